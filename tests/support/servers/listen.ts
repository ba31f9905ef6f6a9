import type { Server } from "node:net";

/** Starts listening on 127.0.0.1 and resolves once bound (or rejects, e.g. port in use). */
export function listen(server: Server, port: number, host = "127.0.0.1"): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      server.off("listening", onListening);
      reject(error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}
