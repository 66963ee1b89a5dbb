import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitAuthError } from '../../../src/errors/git-errors.js';
import { createTestRemote, git, type TestRemote } from '../../harness/git.js';
import { AUTHOR, promotion, repositoryFor } from './fixtures.js';

/** SSH commit signing with a key made here by OpenSSH's ssh-keygen (Debian's openssh-client). */
let remote: TestRemote;
beforeEach(async () => {
  remote = await createTestRemote();
});
afterEach(async () => {
  await remote.cleanup();
});

function generateKey(path: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', AUTHOR.email, '-f', path]);
}

describe('git repository: signed commits', () => {
  it('signs with the configured SSH key, and git verifies the signature against an allowed-signers file', async () => {
    const key = join(remote.root, 'signing_key');
    generateKey(key);
    const allowed = join(remote.root, 'allowed_signers');
    await writeFile(allowed, `${AUTHOR.email} ${await readFile(`${key}.pub`, 'utf8')}`);
    const { repository } = await repositoryFor(remote, { repo: { signing: { format: 'ssh', key } } });

    const { sha } = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' }));

    const verified = await git(remote.bare, ['-c', `gpg.ssh.allowedSignersFile=${allowed}`, 'verify-commit', sha]);
    expect(verified.stderr).toContain(`Good "git" signature for ${AUTHOR.email} with ED25519 key`);
    const status = await git(remote.bare, ['-c', `gpg.ssh.allowedSignersFile=${allowed}`, 'log', '-1', '--format=%G?', sha]);
    expect(status.stdout.trim()).toBe('G');
  });

  it('refuses a signature by a key that is not allowed', async () => {
    const key = join(remote.root, 'signing_key');
    const other = join(remote.root, 'other_key');
    generateKey(key);
    generateKey(other);
    const allowed = join(remote.root, 'allowed_signers');
    await writeFile(allowed, `${AUTHOR.email} ${await readFile(`${other}.pub`, 'utf8')}`);
    const { repository } = await repositoryFor(remote, { repo: { signing: { format: 'ssh', key } } });

    const { sha } = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' }));

    const verified = await git(remote.bare, ['-c', `gpg.ssh.allowedSignersFile=${allowed}`, 'verify-commit', sha], {
      allowFailure: true,
    });
    expect(verified.code).not.toBe(0);
  });

  it('fails with GitAuthError and pushes nothing when the signing key cannot be used', async () => {
    const { repository } = await repositoryFor(remote, {
      repo: { signing: { format: 'ssh', key: join(remote.root, 'missing_key') } },
    });
    const head = await remote.head();

    const error = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' })).catch((e) => e);

    expect(error).toBeInstanceOf(GitAuthError);
    expect(error.details).toMatchObject({ reason: 'signing' });
    expect(await remote.head()).toBe(head);
  });

  it('leaves commits unsigned when no signing is configured', async () => {
    const { repository } = await repositoryFor(remote);
    const { sha } = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' }));
    expect((await git(remote.bare, ['log', '-1', '--format=%G?', sha])).stdout.trim()).toBe('N');
  });
});
