import { StoreUnavailableError } from '../../errors/store-errors.js';
import { WavegateError } from '../../errors/wavegate-error.js';

/**
 * Bounds a Redis call and turns whatever it throws into a StoreUnavailableError whose message has no
 * credentials. The timeout cannot cancel the command (ioredis may still send it after a reconnect);
 * it only stops the caller from waiting on a client that queues commands while Redis is down.
 */
export function createRedisGuard(options: { timeoutMs: number; password?: string | undefined }) {
  return async function guarded<T>(operation: string, work: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError(operation, `Redis did not answer within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
      timer.unref();
    });
    try {
      return await Promise.race([work(), timeout]);
    } catch (err) {
      if (err instanceof WavegateError) throw err;
      const cause = redactedCopy(err, options.password);
      throw new StoreUnavailableError(operation, cause.message, { cause });
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * The client's error with credentials removed from its message and stack. Loggers print an error's
 * cause chain (pino does), so the original must not ride along as `cause`.
 */
function redactedCopy(err: unknown, password: string | undefined): Error {
  const original = err instanceof Error ? err : new Error(String(err));
  const copy = new Error(redactCredentials(original.message, password));
  copy.name = original.name;
  copy.stack = redactCredentials(original.stack ?? '', password);
  const code = (original as NodeJS.ErrnoException).code;
  return code === undefined ? copy : Object.assign(copy, { code });
}

/** Removes URL user info (`redis://user:secret@host`) and, when known, the literal password. */
export function redactCredentials(text: string, password?: string): string {
  const withoutUserInfo = text.replace(/\/\/[^\s/@]*@/g, '//***@');
  return password ? withoutUserInfo.split(password).join('***') : withoutUserInfo;
}
