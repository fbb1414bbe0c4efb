import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadDescription } from '../../lib/description';
import { ServerlessBlogStack } from '../../lib/serverless-blog-stack';

/**
 * A copy of the description the Rust code generates, taken as it was: the tests read it, not the
 * generated file, so that they keep their meaning when the Rust code changes. Refresh it with
 * `cp ../openapi.json test/fixtures/openapi.sample.json` (then `npx jest -u` for the snapshot).
 */
export const SAMPLE_DESCRIPTION = path.join(__dirname, '..', 'fixtures', 'openapi.sample.json');

/** The description the Rust workspace generates, at the workspace root: what `cdk synth` reads by default. */
export const GENERATED_DESCRIPTION = path.resolve(__dirname, '..', '..', '..', 'openapi.json');

/** The function names of the sample description (the four and chapter 10's two), for a fake package. */
export function sampleFunctionNames(): string[] {
  const d = loadDescription(SAMPLE_DESCRIPTION);
  return [...d.functions.each.map((f) => f.name), d.oneFunction.name, d.webAdapter.name, d.export.name];
}

/** The layers of the sample description (the Lambda Web Adapter's), for a fake package. */
export function sampleLayerNames(): string[] {
  return [loadDescription(SAMPLE_DESCRIPTION).webAdapter.layer];
}

/**
 * What `cdk synth` adds to cdk.json's context, so that an in-process synthesis writes the same
 * template as the CLI: path metadata (the Rust code classifies resources by it), asset metadata
 * and version reporting.
 */
const CLI_CONTEXT = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
};

function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'));
  return cdkJson.context;
}

/**
 * The app as bin/serverless-blog.ts builds it (the stack `ServerlessBlog` and cdk-nag's AWS
 * Solutions checks), with cdk.json's context plus `context`.
 */
export function blogApp(context: Record<string, unknown>, outdir?: string): { app: App; stack: ServerlessBlogStack } {
  const app = new App({ context: { ...cdkJsonContext(), ...CLI_CONTEXT, ...context }, outdir });
  const stack = new ServerlessBlogStack(app, 'ServerlessBlog');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/**
 * Synthesizes a variant of the app in-process against the sample description and the fake
 * package that the global setup wrote. Synthesis runs cdk-nag: a finding that is not
 * acknowledged throws.
 */
export function synthesizeVariant(context: Record<string, unknown>): Template {
  return synthesizeVariantStack(context).template;
}

/** The same, with the stack, for what is not in the template (its annotations). */
export function synthesizeVariantStack(context: Record<string, unknown>): { template: Template; stack: ServerlessBlogStack } {
  const outdir = fs.mkdtempSync(path.join(testDir(), 'variant-'));
  const { app, stack } = blogApp({ description: SAMPLE_DESCRIPTION, packageDir: fakePackageDir(), ...context }, outdir);
  return { template: Template.fromJSON(app.synth().getStackByName('ServerlessBlog').template), stack };
}

/**
 * Writes the sample description with `change` applied to its `x-blog-deployment`, as
 * `openapi.json` in a new folder of the test run, and returns that file.
 */
export function changedDescription(change: (deployment: any) => void): string {
  const document = JSON.parse(fs.readFileSync(SAMPLE_DESCRIPTION, 'utf8'));
  change(document['x-blog-deployment']);
  const file = path.join(fs.mkdtempSync(path.join(testDir(), 'description-')), 'openapi.json');
  fs.writeFileSync(file, JSON.stringify(document));
  return file;
}

/** The temporary folder of this test run (global-setup.ts creates it, global-teardown.ts removes it). */
export function testDir(): string {
  return requiredEnv('BLOG_TEST_DIR');
}

/** A package folder with a zip per sample function and an image folder. */
export function fakePackageDir(): string {
  return requiredEnv('BLOG_TEST_PACKAGE_DIR');
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest, whose global setup sets it`);
  return value;
}
