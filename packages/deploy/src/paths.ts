import { fileURLToPath } from 'node:url';

// src/*.ts and dist/*.js sit at the same depth below the package.
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const K8S_DIR = `${REPO_ROOT}k8s`;
