import { describe, expect, it } from "vitest";
import { sanitizeDocumentHtml } from "@/lib/documents";
import { parseMd } from "./helpers";

function bodyHtml(body: string): string {
  return parseMd(`# Title\n\n${body}`)
    .segments.map((segment) => segment.html)
    .join("\n");
}

/** An element or attribute that could run script: a real tag, not escaped text. */
const EXECUTABLE_HTML =
  /<script|<[^>]*\son\w+\s*=|<[^>]*(?:href|src)\s*=\s*["']?\s*(?:javascript|vbscript|data):/i;

describe("Markdown safety", () => {
  it.each([
    ["a script tag", "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"],
    [
      "an img with onerror",
      '<img src="x" onerror="alert(1)">',
      '<p>&lt;img src="x" onerror="alert(1)"&gt;</p>',
    ],
    [
      "a div with onclick",
      '<div onclick="steal()">hi</div>',
      '<p>&lt;div onclick="steal()"&gt;hi&lt;/div&gt;</p>',
    ],
    ["a javascript: link", "[click](javascript:alert(1))", "<p>[click](javascript:alert(1))</p>"],
    [
      "an upper-case JAVASCRIPT: link",
      "[click](JAVASCRIPT:alert(1))",
      "<p>[click](JAVASCRIPT:alert(1))</p>",
    ],
    [
      "a raw javascript anchor",
      '<a href="javascript:alert(1)">x</a>',
      '<p>&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;</p>',
    ],
    ["a data: image", "![x](data:image/png;base64,AAAA)", "<p></p>"],
    ["a relative image", "![x](/private/a.png)", "<p></p>"],
    [
      "an image with a title carrying an attribute",
      '![a](https://e.com/a.png "t\\" onerror=\\"x")',
      '<p><img src="https://e.com/a.png" alt="a" /></p>',
    ],
  ])("neutralises %s", (_name, body, html) => {
    const output = bodyHtml(body);
    expect(output).toBe(html);
    expect(output).not.toMatch(EXECUTABLE_HTML);
  });

  it.each([
    [
      "https link",
      "[a](https://e.com/x)",
      '<p><a href="https://e.com/x" rel="nofollow noopener">a</a></p>',
    ],
    [
      "http link",
      "[a](http://e.com)",
      '<p><a href="http://e.com" rel="nofollow noopener">a</a></p>',
    ],
    [
      "mailto link",
      "[m](mailto:a@b.cn)",
      '<p><a href="mailto:a@b.cn" rel="nofollow noopener">m</a></p>',
    ],
    ["relative link loses its href", "[r](/admin)", '<p><a rel="nofollow noopener">r</a></p>'],
    ["ftp link loses its href", "[f](ftp://e.com/x)", '<p><a rel="nofollow noopener">f</a></p>'],
    [
      "bare URL is linkified",
      "see https://e.com/a",
      '<p>see <a href="https://e.com/a" rel="nofollow noopener">https://e.com/a</a></p>',
    ],
    [
      "https image",
      "![pic](https://e.com/p.png)",
      '<p><img src="https://e.com/p.png" alt="pic" /></p>',
    ],
  ])("keeps a %s", (_name, body, html) => {
    expect(bodyHtml(body)).toBe(html);
  });

  it("sanitises hostile HTML with the allow-list", () => {
    const hostile =
      '<a href="javascript:alert(1)">x</a><img src="x" onerror="alert(1)"><img src="https://e.com/a.png" onerror="alert(1)" alt="a">' +
      '<script>alert(1)</script><p onclick="x" class="c">p</p><a href="https://ok.com" target="_blank" rel="opener">z</a>' +
      '<iframe src="https://e.com"></iframe><style>p{}</style><td style="text-align:right;color:red">c</td><span>s</span>';
    const clean = sanitizeDocumentHtml(hostile);
    expect(clean).toBe(
      '<a rel="nofollow noopener">x</a><img src="https://e.com/a.png" alt="a" /><p>p</p>' +
        '<a href="https://ok.com" rel="nofollow noopener">z</a><td style="text-align:right">c</td>s',
    );
    expect(clean).not.toMatch(EXECUTABLE_HTML);
  });
});

describe("Markdown rendering", () => {
  it("renders the usual blocks", () => {
    const body = [
      "Some *em*, **strong**, ~~gone~~ and `code`.",
      "",
      "> quoted",
      "",
      "1. one",
      "2. two",
      "",
      "```js",
      "let a = 1 < 2;",
      "```",
      "",
      "---",
      "",
      "| a | b |",
      "|--:|---|",
      "| 1 | 2 |",
    ].join("\n");
    expect(bodyHtml(body)).toBe(
      [
        "<p>Some <em>em</em>, <strong>strong</strong>, <s>gone</s> and <code>code</code>.</p>",
        "<blockquote>",
        "<p>quoted</p>",
        "</blockquote>",
        "<ol>",
        "<li>one</li>",
        "<li>two</li>",
        "</ol>",
        '<pre><code class="language-js">let a = 1 &lt; 2;',
        "</code></pre>",
        "<hr />",
        "<table>",
        "<thead>",
        "<tr>",
        '<th style="text-align:right">a</th>',
        "<th>b</th>",
        "</tr>",
        "</thead>",
        "<tbody>",
        "<tr>",
        '<td style="text-align:right">1</td>',
        "<td>2</td>",
        "</tr>",
        "</tbody>",
        "</table>",
      ].join("\n"),
    );
  });

  it("joins soft-wrapped Chinese lines without a space, English with one", () => {
    const doc = parseMd("# 标题\n\n第一行\n第二行\nand English\nwords");
    expect(doc.segments[0]?.html).toBe("<p>第一行第二行\nand English\nwords</p>");
    expect(doc.segments[0]?.text).toBe("第一行第二行 and English words");
  });

  it("gives plain text one line per block", () => {
    const doc = parseMd(
      "# T\n\n## Head\n\nPara [link](https://e.com) ![img](https://e.com/i.png)\n\n- a\n- b\n\n```\ncode\n```\n\n| x | y |\n|---|---|\n| 1 | 2 |",
    );
    expect(doc.segments[0]?.text).toBe("Head\nPara link\na\nb\ncode\nx y\n1 2");
  });

  it("does not resolve a free reference from a definition in a paid region", () => {
    const doc = parseMd(
      "# T\n\nSee [the docs][d].\n\n##paidbegin##\n\nPaid.\n\n[d]: https://e.com/docs",
    );
    expect(doc.segments[0]?.html).toBe("<p>See [the docs][d].</p>");
    expect(doc.segments[1]?.html).toBe("<p>Paid.</p>");
  });

  it("resolves a paid reference from a definition in a free region (free to paid is harmless)", () => {
    const doc = parseMd(
      "# T\n\nIntro.\n\n[d]: https://e.com/docs\n\n##paidbegin##\n\nSee [the docs][d].\n##paidend##\n\nAgain [d].",
    );
    expect(doc.segments.map((segment) => segment.html)).toEqual([
      "<p>Intro.</p>",
      '<p>See <a href="https://e.com/docs" rel="nofollow noopener">the docs</a>.</p>',
      '<p>Again <a href="https://e.com/docs" rel="nofollow noopener">d</a>.</p>',
    ]);
  });

  it("does not reopen a fence cut by ##paidend## in the free part", () => {
    const doc = parseMd(
      "# T\n\nIntro.\n\n##paidbegin##\n```js\npaid code\n##paidend##\nfree line\n",
    );
    expect(doc.segments.map((segment) => segment.html)).toEqual([
      "<p>Intro.</p>",
      '<pre><code class="language-js">paid code\n</code></pre>',
      "<p>free line</p>",
    ]);
  });
});

describe("Markdown headings", () => {
  it.each<[string, string, { level: number; text: string }[]]>([
    [
      "h1-based documents shift down one",
      "# A\n\n## B\n\n### C",
      [
        { level: 2, text: "A" },
        { level: 3, text: "B" },
        { level: 4, text: "C" },
      ],
    ],
    [
      "h2-based documents stay",
      "## A\n\n### B",
      [
        { level: 2, text: "A" },
        { level: 3, text: "B" },
      ],
    ],
    [
      "h3-based documents move up to h2",
      "### A\n\n#### B",
      [
        { level: 2, text: "A" },
        { level: 3, text: "B" },
      ],
    ],
    [
      "deep levels are clamped at h6",
      "# A\n\n###### F",
      [
        { level: 2, text: "A" },
        { level: 6, text: "F" },
      ],
    ],
    [
      "setext headings count too",
      "A\n-\n\n### C",
      [
        { level: 2, text: "A" },
        { level: 3, text: "C" },
      ],
    ],
    ["inline markup is stripped from heading text", "## A *b* `c`", [{ level: 2, text: "A b c" }]],
  ])("%s", (_name, body, headings) => {
    const doc = parseMd(`# Title\n\n${body}`);
    expect(doc.segments.flatMap((segment) => segment.headings)).toEqual(headings);
    expect(doc.segments[0]?.html.startsWith(`<h2>`)).toBe(true);
  });

  it("takes the shift from free headings only, so paid headings cannot move free ones", () => {
    const doc = parseMd("# Title\n\n### Free part\n\n##paidbegin##\n\n# Paid top\n\n#### Paid low");
    expect(doc.segments.map((segment) => segment.html)).toEqual([
      "<h2>Free part</h2>",
      "<h2>Paid top</h2>\n<h3>Paid low</h3>",
    ]);
  });

  it("takes the shift from paid headings when the free part has none", () => {
    const doc = parseMd("# Title\n\nIntro.\n\n##paidbegin##\n\n### Paid a\n\n#### Paid b");
    expect(doc.segments[1]?.html).toBe("<h2>Paid a</h2>\n<h3>Paid b</h3>");
  });

  it("shifts consistently across free and paid segments", () => {
    const doc = parseMd(
      "# Title\n\n# Free part\n\ntext\n\n##paidbegin##\n\n## Paid sub\n\n# Paid top",
    );
    expect(doc.segments.map((segment) => segment.html)).toEqual([
      "<h2>Free part</h2>\n<p>text</p>",
      "<h3>Paid sub</h3>\n<h2>Paid top</h2>",
    ]);
  });

  it.each([
    ["an ATX title", "# My *Great* Title #\n\nBody.", "My Great Title"],
    ["a setext title (underline removed)", "My Title\n========\n\nBody.", "My Title"],
    ["a plain first line", "Just a line\n\nBody.", "Just a line"],
  ])("takes %s", (_name, text, title) => {
    const doc = parseMd(text);
    expect(doc.meta.title).toBe(title);
    expect(doc.segments[0]?.html).toBe("<p>Body.</p>");
  });
});

describe("a code fence cut by ##paidend##", () => {
  it.each([
    [
      "opened in the paid region",
      "# T\n\nIntro.\n\n##paidbegin##\n```js\ncode\n##paidend##\nfree\n",
      8,
    ],
    [
      "opened in the free region and running through",
      "# T\n\n```\nfree\n##paidbegin##\npaid\n##paidend##\nfree\n",
      7,
    ],
  ])("warns the author when %s", (_name, source, line) => {
    const doc = parseMd(source);
    expect(doc.warnings.map((warning) => [warning.code, warning.line])).toEqual([
      ["fence-cut-by-paidend", line],
    ]);
  });

  it("does not warn when the fence is closed before the marker", () => {
    const doc = parseMd("# T\n\n##paidbegin##\n```\ncode\n```\n##paidend##\nfree\n");
    expect(doc.warnings).toEqual([]);
  });
});
