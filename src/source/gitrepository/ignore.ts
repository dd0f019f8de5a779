// Which files of a Git tree stay out of a GitRepository's artifact: .gitignore syntax (comments,
// `!` negation, trailing `/` for folders, leading or inner `/` anchoring to the root, `*`, `?`,
// `[...]` and `**`), the last matching pattern winning, and nothing re-included from inside an
// ignored folder (as git does). Pure, so that it is table-tested.

/** Flux's default exclusions: VCS metadata, CI configuration and binary blobs. */
export const DEFAULT_IGNORE = [
  '.git/', '.gitignore', '.gitmodules', '.gitattributes',
  '*.jpg', '*.jpeg', '*.gif', '*.png', '*.wmv', '*.flv', '*.tar.gz', '*.zip',
  '.github/', '.circleci/', '.travis.yml', '.gitlab-ci.yml', 'appveyor.yml', '.drone.yml',
  'cloudbuild.yaml', 'codeship-services.yml', 'codeship-steps.yml',
  '**/.goreleaser.yml', '**/.sops.yaml', '**/.flux.yaml',
].join('\n');

interface Rule {
  negate: boolean;
  dirOnly: boolean;
  regex: RegExp;
}

export type IgnoreMatcher = (path: string) => boolean;

/** Translates one glob (already without `!`, trailing `/` and leading `/`) to a regular expression body. */
function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === '*' && glob[i + 1] === '*' && (i === 0 || glob[i - 1] === '/') && (i + 2 === glob.length || glob[i + 2] === '/')) {
      // `**/` matches any number of folders (also none); a final `/**` everything inside.
      if (i + 2 === glob.length) {
        out += '.*';
        i += 1;
      } else {
        out += '(?:.*/)?';
        i += 2;
      }
    } else if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) {
        out += '\\[';
      } else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      out += glob.charAt(i + 1).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      i += 1;
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return out;
}

function parseLine(raw: string): Rule | undefined {
  // Trailing spaces are dropped unless escaped.
  let line = raw.replace(/(?<!\\)\s+$/, '');
  if (line === '' || line.startsWith('#')) return undefined;
  const negate = line.startsWith('!');
  if (negate) line = line.slice(1);
  else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
  const dirOnly = line.endsWith('/');
  if (dirOnly) line = line.replace(/\/+$/, '');
  if (line === '') return undefined;
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  const body = globToRegex(line);
  return { negate, dirOnly, regex: new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}$`) };
}

/** Compiles patterns (one per line, in order); the matcher takes a file's path from the root. */
export function ignoreMatcher(...texts: string[]): IgnoreMatcher {
  const rules = texts.flatMap((t) => t.split(/\r?\n/)).map(parseLine).filter((r): r is Rule => r !== undefined);
  const verdict = (path: string, isDir: boolean): boolean => {
    let ignored = false;
    for (const rule of rules) {
      if ((!rule.dirOnly || isDir) && rule.regex.test(path)) ignored = !rule.negate;
    }
    return ignored;
  };
  return (path) => {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      if (verdict(parts.slice(0, i).join('/'), true)) return true;
    }
    return verdict(path, false);
  };
}
