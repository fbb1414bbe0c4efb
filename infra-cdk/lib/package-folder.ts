import * as fs from 'node:fs';
import * as path from 'node:path';
import { PackageDescription } from './description';

/**
 * The folder that `cargo xtask package` fills: one zip per function, the Lambda Web Adapter's
 * layer, and the container image's build context. The stack only points at what is there; it never builds Rust code.
 *
 * The description names the folder (`package.dir`, `target/package`) relative to the workspace
 * root, the folder that holds the description, and the zips and the image's build context
 * relative to that folder. The context value `packageDir` replaces the folder (the tests use a
 * temporary one); a relative `packageDir` is resolved against the current directory, the one
 * `cdk` runs in, like any command-line path.
 */
export class PackageFolder {
  /** The package folder, an absolute path. */
  readonly dir: string;
  /** Where the function zips are, relative to `dir`, with `{name}` for a function's name. */
  private readonly functionZip: string;
  /** Where the layer zips are, relative to `dir`, with `{name}` for a layer's name. */
  private readonly layerZip: string;
  /** Where the image's build context is, relative to `dir`. */
  private readonly imageContext: string;
  /** The command that builds the packages, for the error message. */
  private readonly command: string;

  /**
   * @param workspaceRoot the folder that holds the description, which `description.dir` is relative to
   * @param packageDir the context value `packageDir`, when set
   */
  constructor(description: PackageDescription, workspaceRoot: string, packageDir?: string) {
    this.dir = packageDir === undefined ? path.resolve(workspaceRoot, description.dir) : path.resolve(packageDir);
    this.functionZip = description.functionZip;
    this.layerZip = description.layerZip;
    this.imageContext = description.imageContext;
    this.command = description.command;
  }

  /** The zip that holds a function's `bootstrap`; a clear error when it is not built. */
  functionZipOf(name: string): string {
    const zip = path.join(this.dir, this.functionZip.replaceAll('{name}', name));
    if (!fs.existsSync(zip)) this.missing(`the function ${name}'s zip ${zip}`);
    return zip;
  }

  /** The zip of a layer (`extensions/<name>` inside); a clear error when it is not built. */
  layerZipOf(name: string): string {
    const zip = path.join(this.dir, this.layerZip.replaceAll('{name}', name));
    if (!fs.existsSync(zip)) this.missing(`the layer ${name}'s zip ${zip}`);
    return zip;
  }

  /** The image's build context (Dockerfile, server binary, CA certificates); a clear error when it is not built. */
  imageFolder(): string {
    const folder = path.join(this.dir, this.imageContext);
    if (!fs.existsSync(path.join(folder, 'Dockerfile'))) this.missing(`the container image's Dockerfile in ${folder}`);
    return folder;
  }

  private missing(what: string): never {
    throw new Error(
      `The stack needs ${what}, which is not there. Build the packages first with ` +
        `\`${this.command}\` (from the workspace root), or point the context value ` +
        '`packageDir` at a folder that holds them.',
    );
  }
}
