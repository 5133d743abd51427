/** The tests' one HTTP stub and one free-port finder, on loopback. */
import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface HttpStub {
  /** `http://127.0.0.1:<port>` */
  url: string
  close(): Promise<void>
}

/** Serves `handler` on a free loopback port until closed. */
export async function startHttpStub(handler: RequestListener): Promise<HttpStub> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

/** A loopback port free now, for a service started by another process. */
export async function freePort(): Promise<number> {
  const stub = await startHttpStub(() => undefined)
  await stub.close()
  return Number(new URL(stub.url).port)
}
