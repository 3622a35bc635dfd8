/**
 * The demo campaigns in progress, for the first start of `kaohe serve`: the previous year's
 * campaign (2019) published in full (so the ranking shows its change column), and in the 2020
 * campaign the first township's villages at every stage — published, reviewed, submitted,
 * draft — with their suggestions derived and accepted, a photo on a finding or two and one
 * appeal decided. Everything goes through the campaign services, as the people would act;
 * the same county gives the same campaigns (no randomness).
 */
import { deflateSync } from 'node:zlib';
import type { CampaignServices } from '../campaign/index.ts';
import type { Actor } from '../policies.ts';

export interface InProgressInput {
  /** The office (the installation itself). */
  office: Actor;
  inspector: Actor;
  reviewer: Actor;
  /** The village user, for its own village (the first of `villages`). */
  village: Actor;
  /** The 2020 campaign, every village in draft, the township's villages assigned to the inspector's team. */
  campaignId: number;
  /** The first township's villages, in code order. */
  villages: readonly string[];
  schemeVersionId: number;
  previousName: string;
  previousYear: number;
}

export interface InProgressSummary {
  previousCampaign: number;
  byStage: { published: number; reviewed: number; submitted: number; draft: number };
  appealId?: number;
}

/** How many of the township's villages (in order) end at each stage; the rest stay draft. */
const PUBLISHED = 4;
const REVIEWED = 2;
const SUBMITTED = 2;
/** Worked villages whose first accepted finding gets a photo. */
const WITH_PHOTO = 2;

export async function demoCampaignInProgress(campaigns: CampaignServices, input: InProgressInput): Promise<InProgressSummary> {
  const { office, inspector, reviewer } = input;
  const version = async (id: number) => (await campaigns.assessments.assessmentState(office, id)).version;

  /** Derives the suggestions and accepts those with a deduction (notes, count 0, stay to be read); the findings made. */
  const work = async (actor: Actor, id: number): Promise<Array<{ findingId: number; item: string; count: number }>> => {
    await campaigns.suggestions.deriveSuggestions(actor, id);
    const view = await campaigns.assessments.getAssessment(actor, id);
    const made: Array<{ findingId: number; item: string; count: number }> = [];
    for (const s of view.suggestions) {
      if (s.status !== 'open' || s.count <= 0) continue;
      const findingId = await campaigns.suggestions.acceptSuggestion(actor, id, await version(id), s.id);
      made.push({ findingId, item: s.item, count: s.count });
    }
    return made;
  };

  // The previous year, published in full by the office.
  const previous = await campaigns.setup.createCampaign(office, {
    name: input.previousName,
    year: input.previousYear,
    schemeVersionId: input.schemeVersionId,
    appealDays: 15,
  });
  const before = await campaigns.setup.listAssessments(office, previous);
  for (const a of before) {
    await work(office, a.id);
    await campaigns.workflow.transition(office, a.id, await version(a.id), 'submit');
    await campaigns.workflow.transition(office, a.id, await version(a.id), 'review');
  }
  await campaigns.workflow.publishCampaign(office, previous);

  // This year: the inspector works the first villages of the township, the reviewer reviews.
  const ids: number[] = [];
  for (const code of input.villages) ids.push(await campaigns.assessments.assessmentId(input.campaignId, code));
  const worked = PUBLISHED + REVIEWED + SUBMITTED;
  const findings: Array<Array<{ findingId: number; item: string; count: number }>> = [];
  for (let i = 0; i < Math.min(worked, ids.length); i++) {
    const id = ids[i]!;
    const made = await work(inspector, id);
    findings.push(made);
    if (i < WITH_PHOTO && made[0]) {
      await campaigns.evidence.addEvidence(inspector, { findingId: made[0].findingId }, { filename: `现场照片-${i + 1}.png`, bytes: demoPng(i) });
    }
    await campaigns.workflow.transition(inspector, id, await version(id), 'submit');
  }
  // The reviewer reviews the first villages, the office publishes them (publishCampaign takes
  // every reviewed result), then the reviewer reviews two more, not yet published.
  const review = async (from: number, to: number) => {
    for (const id of ids.slice(from, Math.min(to, ids.length))) await campaigns.workflow.transition(reviewer, id, await version(id), 'review');
  };
  await review(0, PUBLISHED);
  await campaigns.workflow.publishCampaign(office, input.campaignId);
  await review(PUBLISHED, PUBLISHED + REVIEWED);

  // The first village appeals an item of its published result; the office adjusts it.
  let appealId: number | undefined;
  const appealed = findings.findIndex((f, i) => i < PUBLISHED && f.length > 0);
  if (appealed >= 0) {
    const f = findings[appealed]!.reduce((x, y) => (y.count > x.count ? y : x));
    const by = appealed === 0 ? input.village : office;
    appealId = await campaigns.appeals.appeal(by, ids[appealed]!, { item: f.item, reason: '部分问题已于考核前整改完毕，附整改材料，请求重新核定。' });
    await campaigns.appeals.decideAppeal(office, appealId, {
      outcome: 'adjusted',
      reason: '经核实，部分问题考核前已整改，按核实情况调整扣分次数。',
      count: Math.max(0, f.count - 1),
    });
  }
  const n = ids.length;
  const published = Math.min(PUBLISHED, n);
  const reviewed = Math.min(REVIEWED, n - published);
  const submitted = Math.min(SUBMITTED, n - published - reviewed);
  return { previousCampaign: previous, byStage: { published, reviewed, submitted, draft: n - published - reviewed - submitted }, ...(appealId !== undefined ? { appealId } : {}) };
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data and CRC (the demo's photos and the tests' images are built of them). */
export function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A small deterministic "photo": a 64×48 RGB PNG, a sky over a field with a house, varied by `n`. */
export function demoPng(n: number): Buffer {
  const w = 64;
  const h = 48;
  const rows: Buffer[] = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3); // filter byte 0, then the pixels
    for (let x = 0; x < w; x++) {
      let rgb: [number, number, number];
      const house = x >= 20 + n * 6 && x < 36 + n * 6 && y >= 20 && y < 34;
      const roof = y >= 14 && y < 20 && x >= 18 + n * 6 + (20 - y) && x < 38 + n * 6 - (20 - y);
      if (roof) rgb = [150, 40, 30];
      else if (house) rgb = [225, 215, 190];
      else if (y < 30) rgb = [120 + y * 2, 170 + y, 230];
      else rgb = [60 + ((x + n * 7) % 9) * 4, 140 - (y - 30) * 2, 50];
      row.set(rgb, 1 + x * 3);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
