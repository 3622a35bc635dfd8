/** What a campaign-side service method resolves to, by the method's name (for the presenters' input types). */
import type { CampaignServices } from '../../services/campaign/index.ts';

type Owner<K extends PropertyKey> = Extract<CampaignServices[keyof CampaignServices], Record<K, (...args: never[]) => unknown>>;

export type Result<K extends PropertyKey> = Owner<K>[K] extends (...args: never[]) => Promise<infer R> ? R : never;
