// Each provider's native message for one event (pure): the generic JSON as is, HMAC-signed for
// generic-hmac, and Slack, Microsoft Teams, Discord and Google Chat formats with the summary line
// first and the facts as fields. Shapes follow what those services accept and what Flux's
// notification-controller sends, so existing webhooks and bots keep working.
import type { ProviderType } from '../api/notification.ts';
import { objectName, type NotificationEvent } from './event.ts';
import { sign } from './signature.ts';
import { fields, summaryLine, type Field } from './summary.ts';

/** A Provider with its Secret read: everything one delivery needs. Never logged. */
export interface ProviderTarget {
  /** namespace/name of the Provider. */
  key: string;
  type: ProviderType;
  address: string;
  token?: string;
  headers: Record<string, string>;
  channel?: string;
  username?: string;
  ca?: string;
  timeoutMs: number;
}

export interface OutgoingMessage {
  body: string;
  headers: Record<string, string>;
  /** For logs: what the alert said. */
  summary: string;
}

const COLORS = { info: { slack: 'good', hex: '2EB67D', int: 0x2eb67d }, error: { slack: 'danger', hex: 'E01E5A', int: 0xe01e5a } } as const;

export function render(target: ProviderTarget, event: NotificationEvent): OutgoingMessage {
  const summary = summaryLine(event);
  const body = JSON.stringify(payload(target, event, summary));
  const headers: Record<string, string> = { ...target.headers, 'Content-Type': 'application/json' };
  if (target.type === 'generic-hmac' && target.token !== undefined) headers['X-Signature'] = sign(body, target.token);
  else if (target.token !== undefined && (target.type === 'generic' || target.type === 'slack')) headers.Authorization = `Bearer ${target.token}`;
  return { body, headers, summary };
}

function payload(target: ProviderTarget, event: NotificationEvent, summary: string): unknown {
  const facts = fields(event);
  switch (target.type) {
    case 'generic':
    case 'generic-hmac':
      return event;
    case 'slack':
      return slack(target, event, summary, facts);
    case 'msteams':
      return isLegacyTeamsConnector(target.address) ? teamsMessageCard(event, summary, facts) : teamsAdaptiveCard(event, summary, facts);
    case 'discord':
      return discord(target, event, summary, facts);
    case 'googlechat':
      return googleChat(event, summary, facts);
  }
}

function slack(target: ProviderTarget, event: NotificationEvent, summary: string, facts: Field[]) {
  return {
    ...(target.channel ? { channel: target.channel } : {}),
    username: target.username ?? event.reportingController,
    // Shown in push notifications and by clients that do not render attachments.
    text: summary,
    attachments: [{
      color: COLORS[event.severity].slack,
      author_name: objectName(event.involvedObject),
      title: summary,
      text: event.message,
      mrkdwn_in: ['text'],
      fields: facts.map((f) => ({ title: f.title, value: f.value, short: f.value.length <= 40 })),
      ts: Math.floor(Date.parse(event.timestamp) / 1000),
    }],
  };
}

/** Office 365 connector URLs only understand the old MessageCard; Workflows want adaptive cards. */
function isLegacyTeamsConnector(address: string): boolean {
  try {
    return new URL(address).hostname.endsWith('.webhook.office.com');
  } catch {
    return false;
  }
}

function teamsAdaptiveCard(event: NotificationEvent, summary: string, facts: Field[]) {
  return {
    type: 'message',
    attachments: [{
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        // Teams renders adaptive cards up to 1.4.
        version: '1.4',
        msteams: { width: 'Full' },
        body: [{
          type: 'Container',
          items: [
            { type: 'TextBlock', text: summary, size: 'large', weight: 'bolder', wrap: true, ...(event.severity === 'error' ? { color: 'attention' } : {}) },
            { type: 'TextBlock', text: objectName(event.involvedObject), isSubtle: true, wrap: true },
            { type: 'TextBlock', text: event.message, wrap: true },
            { type: 'FactSet', facts: facts.map((f) => ({ title: f.title, value: f.value })) },
          ],
        }],
      },
    }],
  };
}

function teamsMessageCard(event: NotificationEvent, summary: string, facts: Field[]) {
  return {
    '@type': 'MessageCard',
    '@context': 'http://schema.org/extensions',
    themeColor: COLORS[event.severity].hex,
    summary,
    sections: [{ activityTitle: summary, activitySubtitle: objectName(event.involvedObject), text: event.message, facts: facts.map((f) => ({ name: f.title, value: f.value })) }],
  };
}

// Discord's documented limits: title 256, description 4096, 25 fields of 1024.
function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

function discord(target: ProviderTarget, event: NotificationEvent, summary: string, facts: Field[]) {
  return {
    username: target.username ?? event.reportingController,
    embeds: [{
      title: clip(summary, 256),
      description: clip(event.message, 4096),
      color: COLORS[event.severity].int,
      fields: facts.slice(0, 25).map((f) => ({ name: clip(f.title, 256), value: clip(f.value, 1024), inline: f.value.length <= 40 })),
      footer: { text: `${objectName(event.involvedObject)} · ${event.reportingController}` },
      timestamp: event.timestamp,
    }],
  };
}

function googleChat(event: NotificationEvent, summary: string, facts: Field[]) {
  const message = event.severity === 'error' ? `<font color="#${COLORS.error.hex}">${escapeHtml(event.message)}</font>` : escapeHtml(event.message);
  return {
    // Shown in notifications; the card carries the details.
    text: summary,
    cards: [{
      header: { title: summary, subtitle: objectName(event.involvedObject) },
      sections: [
        { widgets: [{ textParagraph: { text: message } }] },
        ...(facts.length > 0 ? [{ widgets: facts.map((f) => ({ keyValue: { topLabel: f.title, content: f.value, contentMultiline: true } })) }] : []),
      ],
    }],
  };
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
