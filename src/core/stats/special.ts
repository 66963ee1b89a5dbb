/**
 * Special functions for the sequential tests, all in log space where a tail can underflow.
 * Each lives in its own file with its method and references; this module is the stable import
 * path the judge uses.
 */
export { lnGamma, lnBeta, stirlingCorrection } from './gamma-function.js';
export { lnIncBeta, lnIncBetaUpper } from './incomplete-beta.js';
export { lnGammaP, lnGammaQ } from './incomplete-gamma.js';
export { logSumExp, logAddExp, log1mExp, log1pmx } from './log-space.js';
export { edgeworthCorrection, normalQuantile, normalCdf, normalDensity, normalLogCdf } from './normal.js';
