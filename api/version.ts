/** The API's version: in the OpenAPI document, `/healthz` and the generated client. */
export const API_VERSION = "0.1.0";
