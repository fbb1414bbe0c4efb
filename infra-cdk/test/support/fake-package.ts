import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The smallest valid zip: an end-of-central-directory record and no entries. The stack only
 * points at each zip; nothing at synthesis looks inside it.
 */
const EMPTY_ZIP = Buffer.concat([Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)]);

/**
 * Writes what `cargo xtask package` would leave in `dir`, with placeholder contents: one zip
 * per function, one per layer, and the image's build context. Generated at test time so that no binary file is
 * committed.
 */
export function writeFakePackage(
  dir: string,
  functionNames: string[],
  options: { image?: boolean; layers?: string[] } = {},
): string {
  fs.mkdirSync(path.join(dir, 'functions'), { recursive: true });
  for (const name of functionNames) {
    fs.writeFileSync(path.join(dir, 'functions', `${name}.zip`), EMPTY_ZIP);
  }
  fs.mkdirSync(path.join(dir, 'layers'), { recursive: true });
  for (const name of options.layers ?? []) {
    fs.writeFileSync(path.join(dir, 'layers', `${name}.zip`), EMPTY_ZIP);
  }
  if (options.image ?? true) {
    const image = path.join(dir, 'image');
    fs.mkdirSync(image, { recursive: true });
    fs.writeFileSync(path.join(image, 'Dockerfile'), 'FROM scratch\nCOPY ca-certificates.crt /etc/ssl/certs/\nCOPY blog-server /\nENTRYPOINT ["/blog-server"]\n');
    fs.writeFileSync(path.join(image, 'blog-server'), 'a placeholder for the static server binary\n');
    fs.writeFileSync(path.join(image, 'ca-certificates.crt'), 'a placeholder for the CA bundle\n');
  }
  return dir;
}
