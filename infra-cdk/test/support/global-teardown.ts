import * as fs from 'node:fs';

/** Removes the temporary folder of this test run. */
export default function globalTeardown(): void {
  const dir = process.env.BLOG_TEST_DIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
