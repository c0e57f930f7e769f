// Headless Chromium for the browser tests and `npm run screenshots`: Debian's `chromium`
// package (or TRACELINT_CHROMIUM), driven by playwright-core, which never downloads a
// browser. Without one this throws, saying how to get it: callers fail, never skip.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM_PATH = process.env.TRACELINT_CHROMIUM || '/usr/bin/chromium';

/** Flags that work in containers and CI, with nothing reaching out to the network on its own. */
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * A browser context with a fresh profile; `close()` ends the browser and removes the profile.
 * @param {{ width: number, height: number }} [viewport]
 */
export async function launchChromium(viewport = { width: 1400, height: 1000 }) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: the browser tests need a real browser. Install Debian's package (apt-get install chromium; .ci/run does) or point TRACELINT_CHROMIUM at one.`);
  }
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(path.join(os.tmpdir(), 'tracelint-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS, viewport });
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`Chromium at ${CHROMIUM_PATH} did not start: ${error instanceof Error ? error.message : String(error)}`);
  }
}
