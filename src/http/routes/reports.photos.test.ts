/**
 * Photos on the official sheets: a finding's photo evidence is printed as a thumbnail (a 12-MP
 * photo at most 640 pixels on a side, upright) on the village's score sheet and on its pages of
 * the whole-campaign PDF; what is no readable photo (a PDF, a damaged file) is listed by name.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { evidenceServer, type EvidenceServer } from '../../../test/evidence-server.ts';
import { pdfImages, pdfText, popplerAvailable, squeeze } from '../../../test/reports/pdf/poppler.ts';
import { storeTargets } from '../../../test/stores.ts';
import { multipart } from '../../../test/multipart.ts';

const HOOK = 120_000;

describe.skipIf(!popplerAvailable())('photos on the score sheet and the campaign PDF', () => {
  const target = storeTargets()[0]!;
  let s: EvidenceServer;
  let campaignId: number;
  let village: string;
  beforeAll(async () => {
    s = await evidenceServer(target, { maxBytes: 20 * 1024 * 1024 });
    const a = await s.server.app.services.campaigns.assessments.getAssessment({ user: 'system', role: 'admin' }, s.assessmentId);
    campaignId = a.campaignId;
    village = a.village.code;
    // A 4000×3000 camera photo stored sideways (EXIF orientation 6), a WebP, a damaged JPEG.
    const camera = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#6a994e' } })
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 92 })
      .toBuffer();
    const webp = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#bc4749' } })
      .webp()
      .toBuffer();
    const damaged = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(3000)]);
    const m = multipart([
      { filename: '现场照片.jpg', type: 'image/jpeg', data: camera },
      { filename: '公示栏.webp', type: 'image/webp', data: webp },
      { filename: '损坏.jpg', type: 'image/jpeg', data: damaged },
    ]);
    const up = await s.office.request('POST', `/api/findings/${s.findingId}/evidence`, m.payload, m.headers);
    expect(up.statusCode, up.body).toBe(201);
  }, HOOK);
  afterAll(() => s?.server.close());

  const url = (path: string) => `/api/campaigns/${campaignId}/reports/${path}`;

  it('prints each readable photo small and upright on the village’s sheet, and lists the damaged one by name', async () => {
    const res = await s.office.get(url(`sheet.pdf?village=${village}`));
    expect(res.statusCode).toBe(200);
    const images = pdfImages(res.rawPayload);
    expect(images.map((i) => [i.width, i.height]).sort()).toEqual([
      [480, 640],
      [640, 480],
    ]);
    const text = squeeze(pdfText(res.rawPayload));
    expect(text).toContain('扣分证据照片');
    expect(text).toContain('现场照片.jpg');
    expect(text).toContain('公示栏.webp');
    expect(text).toContain('损坏.jpg');
    // Thumbnails, not the 4000×3000 original: the whole sheet is smaller than the photo was.
    expect(res.rawPayload.length).toBeLessThan(400 * 1024);
  });

  it('prints the same photos on the village’s pages of the whole-campaign PDF', async () => {
    const res = await s.office.get(url('campaign.pdf?preview=1'));
    expect(res.statusCode).toBe(200);
    const images = pdfImages(res.rawPayload).map((i) => [i.width, i.height]);
    expect(images.sort()).toEqual([
      [480, 640],
      [640, 480],
    ]);
    expect(squeeze(pdfText(res.rawPayload))).toContain('扣分证据照片');
  });
});
