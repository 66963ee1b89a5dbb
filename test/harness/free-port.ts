/**
 * A TCP port on 127.0.0.1 that was free a moment ago (the demo's helper, shared so there is one).
 * Another process may still grab it before the caller binds, so callers that spawn servers retry on
 * "address already in use".
 */
export { freePort } from '../../src/demo/free-port.js';
