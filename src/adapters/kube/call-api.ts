import { Observable, type ConfigurationOptions, type ObservableMiddleware } from '@kubernetes/client-node';
import { classifyError, type CallContext } from './classify-error.js';

/**
 * Runs one generated-client call with a deadline. The 1.x client has no per-call timeout option; a
 * middleware puts an AbortSignal on the request, which node-fetch honours while waiting for the
 * headers and while reading the body. Failures become typed errors; the caller's own abort
 * rejects with `signal.reason` instead.
 */
export async function callApi<T>(ctx: CallContext, call: (options: ConfigurationOptions) => Promise<T>, signal?: AbortSignal): Promise<T> {
  const deadline = AbortSignal.timeout(ctx.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
  try {
    return await call(withSignal(combined));
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw classifyError(error, { ...ctx, timedOut: deadline.aborted });
  }
}

/** Per-call options that add the signal and keep the client's own middleware. */
function withSignal(signal: AbortSignal): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (request) => {
      request.setSignal(signal);
      return new Observable(Promise.resolve(request));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}
