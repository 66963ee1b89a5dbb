/**
 * Everything the demo starts registers how to undo it here; `run()` undoes it all in reverse order,
 * once, each step bounded, errors collected rather than stopping the rest — so Ctrl-C or a failure
 * half-way leaves no process, port or temp dir behind.
 */
export class Cleanup {
  private readonly steps: Array<{ what: string; undo: () => Promise<void> | void }> = [];
  private done: Promise<string[]> | null = null;

  add(what: string, undo: () => Promise<void> | void): void {
    this.steps.push({ what, undo });
  }

  /** Undoes everything registered, newest first; resolves with the steps that failed. */
  run(stepTimeoutMs = 10_000): Promise<string[]> {
    this.done ??= (async () => {
      const failed: string[] = [];
      for (const { what, undo } of this.steps.splice(0).reverse()) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${stepTimeoutMs} ms`)), stepTimeoutMs);
          timer.unref();
        });
        try {
          await Promise.race([Promise.resolve().then(undo), timeout]);
        } catch (err) {
          failed.push(`${what}: ${(err as Error).message}`);
        } finally {
          clearTimeout(timer);
        }
      }
      return failed;
    })();
    return this.done;
  }
}
