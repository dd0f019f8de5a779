// Which events an Alert sends (pure): the event's object must be one of the Alert's sources, its
// severity high enough, and its message pass the inclusion and exclusion expressions.
import type { AlertSpec, ObjectSelector } from '../api/notification.ts';
import type { RecordedEvent } from '../kube/events.ts';

export interface CompiledAlert {
  /** namespace/name of the Alert. */
  key: string;
  namespace: string;
  /** namespace/name of its Provider. */
  providerKey: string;
  spec: AlertSpec;
  inclusion: RegExp[];
  exclusion: RegExp[];
}

export class AlertConfigError extends Error {
  override readonly name = 'AlertConfigError';
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Checks an Alert and compiles its expressions; throws AlertConfigError saying what to fix. */
export function compileAlert(namespace: string, name: string, spec: AlertSpec, allowCrossNamespace: boolean): CompiledAlert {
  if (!allowCrossNamespace) {
    const foreign = spec.eventSources.find((s) => s.namespace !== undefined && s.namespace !== namespace);
    if (foreign) {
      throw new AlertConfigError('CrossNamespaceRefForbidden',
        `eventSources ${foreign.kind}/${foreign.namespace ?? ''}/${foreign.name} is in another namespace, which --no-cross-namespace-refs forbids: move the Alert to namespace ${foreign.namespace ?? ''}`);
    }
  }
  const compile = (field: string, list: string[] | undefined) => (list ?? []).map((pattern, i) => {
    try {
      return new RegExp(pattern);
    } catch (err) {
      throw new AlertConfigError('InvalidExpression', `${field}[${i}] "${pattern}" is not a valid regular expression (${err instanceof Error ? err.message : String(err)}): fix it`);
    }
  });
  return {
    key: `${namespace}/${name}`, namespace, providerKey: `${namespace}/${spec.providerRef.name}`, spec,
    inclusion: compile('inclusionList', spec.inclusionList), exclusion: compile('exclusionList', spec.exclusionList),
  };
}

export function sourceMatches(source: ObjectSelector, alertNamespace: string, event: Pick<RecordedEvent, 'regarding'>): boolean {
  const meta = event.regarding.metadata;
  if (source.kind !== event.regarding.kind) return false;
  if ((source.namespace ?? alertNamespace) !== (meta.namespace ?? 'default')) return false;
  if (source.name !== '*') return source.name === meta.name;
  return Object.entries(source.matchLabels ?? {}).every(([k, v]) => meta.labels?.[k] === v);
}

export type Verdict = 'send' | 'not-a-source' | 'below-severity' | 'not-included' | 'excluded';

export function judge(alert: CompiledAlert, event: Pick<RecordedEvent, 'regarding' | 'type' | 'note'>): Verdict {
  if (!alert.spec.eventSources.some((s) => sourceMatches(s, alert.namespace, event))) return 'not-a-source';
  if (alert.spec.eventSeverity === 'error' && event.type !== 'Warning') return 'below-severity';
  if (alert.inclusion.length > 0 && !alert.inclusion.some((r) => r.test(event.note))) return 'not-included';
  if (alert.exclusion.some((r) => r.test(event.note))) return 'excluded';
  return 'send';
}
