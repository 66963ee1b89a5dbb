import { runDemo, type DemoOptions } from './run-demo.js';

/**
 * `npm run demo [-- --metrics=auto|prometheus|simulated] [--seed=N]`: runs the demo and exits 0 when
 * the good release succeeded and the bad one was rolled back. Ctrl-C stops it cleanly (twice: now).
 */
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const metrics = args.get('metrics') ?? 'auto';
if (!['auto', 'prometheus', 'simulated'].includes(metrics)) {
  process.stderr.write(`unknown --metrics=${metrics} (use auto, prometheus or simulated)\n`);
  process.exit(2);
}
const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: the exit hooks still kill and remove
    process.stderr.write(`\n${sig}: stopping the demo and cleaning up…\n`);
    controller.abort(new Error(`interrupted (${sig})`));
  });
}
const options: DemoOptions = { metrics: metrics as DemoOptions['metrics'], signal: controller.signal };
if (args.has('seed')) options.seed = Number(args.get('seed'));

runDemo(options).then(
  (result) => process.exit(result.ok ? 0 : 1),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(controller.signal.aborted ? 130 : 1);
  },
);
