import { openApiDocument } from '../api/openapi.js';

/** `npm run openapi`: the API's OpenAPI 3.1 document on stdout, generated from the same schemas the routes use. */
process.stdout.write(`${JSON.stringify(openApiDocument(), null, 2)}\n`);
