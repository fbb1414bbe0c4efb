import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFakePackage } from './fake-package';
import { SAMPLE_DESCRIPTION, blogApp, sampleFunctionNames, sampleLayerNames } from './synth';

/**
 * Runs once before all test files. Most tests read one synthesized template:
 * - with BLOG_TEMPLATE set (the project's test command runs `cdk synth` first and points it at
 *   cdk.out/ServerlessBlog.template.json), they read that one;
 * - otherwise this setup synthesizes the app once, in-process, against the sample description
 *   and a fake package, and points BLOG_TEMPLATE at the result.
 * Test files see the environment variables set here.
 */
export default function globalSetup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serverless-blog-test-'));
  process.env.BLOG_TEST_DIR = dir;
  process.env.BLOG_TEST_PACKAGE_DIR = writeFakePackage(path.join(dir, 'package'), sampleFunctionNames(), {
    layers: sampleLayerNames(),
  });

  if (!process.env.BLOG_TEMPLATE) {
    const outdir = path.join(dir, 'cdk.out');
    const { app } = blogApp({ description: SAMPLE_DESCRIPTION, packageDir: process.env.BLOG_TEST_PACKAGE_DIR }, outdir);
    app.synth();
    process.env.BLOG_TEMPLATE = path.join(outdir, 'ServerlessBlog.template.json');
    process.env.BLOG_DESCRIPTION ??= SAMPLE_DESCRIPTION;
  }
}
