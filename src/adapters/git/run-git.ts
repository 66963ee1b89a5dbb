import { spawn } from 'node:child_process';

export interface GitRun {
  /** Arguments after `git`. Never secrets: argv is visible to every local user through `ps`. */
  args: string[];
  cwd: string;
  /** The complete environment of the child (nothing is inherited implicitly). */
  env: Record<string, string>;
  timeoutMs: number;
  input?: string;
  signal?: AbortSignal;
}

export interface GitRunResult {
  /** Exit code; null when the process was killed (timeout, abort). */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Output past this is cut (a runaway command must not eat the heap); fleet files are far smaller. */
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

/**
 * Runs one `git` command and collects its output. Never throws for a non-zero exit — the caller knows
 * what a failure of that command means; rejects only when `signal` aborts (with its reason) or git
 * cannot be started. The child gets its own process group so a timeout also kills the helpers it
 * started (`git-remote-https`, `ssh`).
 */
export function runGit(run: GitRun): Promise<GitRunResult> {
  return new Promise((resolve, reject) => {
    if (run.signal?.aborted) return reject(run.signal.reason);
    const child = spawn('git', run.args, {
      cwd: run.cwd,
      env: run.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let bytes = 0;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_OUTPUT_BYTES) into.push(chunk);
      else killGroup();
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));

    let timedOut = false;
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is already gone; make sure the child is too
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, run.timeoutMs);
    timer.unref();
    const onAbort = () => killGroup();
    run.signal?.addEventListener('abort', onAbort, { once: true });

    child.once('error', (err) => {
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      if (run.signal?.aborted) return reject(run.signal.reason);
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
      });
    });
    child.stdin.on('error', () => {}); // git may exit before reading its input; the exit code tells
    child.stdin.end(run.input ?? '');
  });
}
