"use client";

/** Last resort when the root layout itself fails: no catalog lookups, both languages inline. */
export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="zh-CN">
      <body>
        <main
          style={{
            maxWidth: "36rem",
            margin: "4rem auto",
            padding: "0 1rem",
            fontFamily: "system-ui",
          }}
        >
          <h1>出了点问题 · Something went wrong</h1>
          <p>请刷新页面重试。Please reload the page.</p>
          {error.digest ? <p>#{error.digest}</p> : null}
        </main>
      </body>
    </html>
  );
}
