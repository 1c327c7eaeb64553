export { createPaymentsDemoApi, type PaymentsDemoApiOptions } from './server.js';
export { paymentsOpenApiDocument, type DemoOpenApiOptions } from './openapi.js';
export { DEFAULT_SEED, SEED_CHARGE_COUNT } from './seed.js';
export type { Charge, Customer, PaymentIntent } from './schemas.js';
