// @actions/core imports @actions/http-client (and with it undici, 400 KB) for OIDC tokens alone, which this
// action never asks for; every run loads @actions/core. Bundled in place of that one import, this loads the
// real client the first time an OIDC token is fetched.
export class HttpClient {
  constructor(...options) {
    this.options = options
  }

  async getJson(...request) {
    const { HttpClient: Client } = await import('@actions/http-client')
    return new Client(...this.options).getJson(...request)
  }
}
