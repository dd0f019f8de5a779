// Child processes (helm, git, kubectl) get only the variables they need from capstan's own
// environment: a controller's environment may carry tokens and settings meant for it alone.

/** The named variables that are set in this process's environment. */
export function passThrough(names: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
