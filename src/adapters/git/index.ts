export { createGitRepository } from './git-repository.js';
export { createMemoryLock, type Lock, type MemoryLockOptions } from './lock.js';
export { createRedisLock, type RedisLockClient, type RedisLockOptions } from './redis-lock.js';
export type { GitAuth, GitBackoff, GitLogger, GitRepoConfig, GitRepositoryOptions, GitSigning } from './options.js';
