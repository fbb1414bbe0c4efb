import { templateJson } from './support/template';

/**
 * The template with what changes on every Rust edit or machine taken out: asset hashes (of the
 * function zips and of the image folder, in S3 keys, image tags and asset paths), the logical
 * ids of the functions' versions (a hash of the code and configuration each version publishes)
 * and CDK's compressed usage report. What is left changes only when the stack, the description or
 * aws-cdk-lib changes, so a reviewer sees every such change in the snapshot's diff.
 */
function reviewable(template: unknown): unknown {
  const text = JSON.stringify(template)
    .replace(/[0-9a-f]{64}/g, '[asset hash]')
    .replace(/CurrentVersion[0-9A-F]{8}[0-9a-f]{32}/g, 'CurrentVersion[version hash]');
  const normalized = JSON.parse(text);
  normalized.Resources.CDKMetadata.Properties.Analytics = '[CDK usage report]';
  return normalized;
}

test('the synthesized template, less asset hashes', () => {
  expect(reviewable(templateJson())).toMatchSnapshot();
});
