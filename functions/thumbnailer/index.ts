import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { S3Event, S3EventRecord } from "aws-lambda";
import { Jimp } from "jimp";
import { intEnv, requireEnv, type Env } from "../shared/config";
import { consoleLogger, type Logger } from "../shared/log";

/**
 * Makes a 256-pixel-wide thumbnail of each product image uploaded under `uploads/`, written under
 * `assets/thumbnails/` in the target bucket (TARGET_BUCKET: the assets bucket where the edge tier exists,
 * else the uploads' own bucket). Images narrower than 256 pixels are not enlarged.
 *
 * Why it cannot loop:
 * - it reacts only to `uploads/` keys (the bucket notification filters on the prefix, and the handler checks
 *   again, so a notification configured wider does no harm) and writes only under `assets/thumbnails/`, so
 *   its own writes never trigger it, even when the target bucket is the uploads' bucket;
 * - S3 replication writes a replica under the same key in the other region's bucket, and a replica is an
 *   object creation there: a replicated `uploads/` object would trigger that region's thumbnailer, which
 *   would write a second thumbnail racing the replica of the first (not a loop, but double work and two
 *   writers of one key). So it skips objects whose HeadObject says `ReplicationStatus: REPLICA`. The
 *   replication rules copy `uploads/` all the same, so the originals survive a lost region; the thumbnail
 *   arrives by replication too, under `assets/thumbnails/`, which no thumbnailer reacts to.
 */

export const SOURCE_PREFIX = "uploads/";
export const TARGET_PREFIX = "assets/thumbnails/";
export const THUMBNAIL_WIDTH = 256;

export interface ThumbnailerDeps {
    readonly targetBucket: string;
    /** Larger uploads are skipped: decoding one takes memory in proportion to its pixels. */
    readonly maxBytes: number;
    readonly s3: S3Client;
    readonly logger: Logger;
}

export type ThumbnailOutcome =
    | { readonly outcome: "written"; readonly bucket: string; readonly key: string; readonly width: number }
    | { readonly outcome: "skipped"; readonly key: string; readonly reason: string };

/** S3 event keys are URL-encoded, with spaces as `+`. */
export function decodeKey(key: string): string {
    return decodeURIComponent(key.replace(/\+/g, " "));
}

/** `uploads/a/b.png` → `assets/thumbnails/a/b.png`; undefined for a key outside `uploads/`. */
export function thumbnailKey(sourceKey: string): string | undefined {
    if (!sourceKey.startsWith(SOURCE_PREFIX) || sourceKey.length === SOURCE_PREFIX.length) return undefined;
    return TARGET_PREFIX + sourceKey.slice(SOURCE_PREFIX.length);
}

const OUTPUT_MIME: Record<string, "image/png" | "image/jpeg" | "image/bmp" | "image/gif"> = {
    "image/png": "image/png",
    "image/jpeg": "image/jpeg",
    "image/bmp": "image/bmp",
    "image/gif": "image/gif",
};

export async function thumbnail(image: Uint8Array): Promise<{ data: Buffer; mime: string; width: number }> {
    const img = await Jimp.fromBuffer(Buffer.from(image));
    const width = Math.min(THUMBNAIL_WIDTH, img.width);
    if (width < img.width) img.resize({ w: width });
    const mime = OUTPUT_MIME[img.mime ?? ""] ?? "image/png";
    return { data: await img.getBuffer(mime), mime, width };
}

export async function processRecord(deps: ThumbnailerDeps, record: S3EventRecord): Promise<ThumbnailOutcome> {
    const bucket = record.s3.bucket.name;
    const key = decodeKey(record.s3.object.key);
    const target = thumbnailKey(key);
    if (target === undefined) return { outcome: "skipped", key, reason: `not under ${SOURCE_PREFIX}` };
    const head = await deps.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    if (head.ReplicationStatus === "REPLICA") return { outcome: "skipped", key, reason: "a replica: its source region makes the thumbnail" };
    if ((head.ContentLength ?? 0) > deps.maxBytes) return { outcome: "skipped", key, reason: `larger than ${deps.maxBytes} bytes` };
    const obj = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(head.ETag ? { IfMatch: head.ETag } : {}) }));
    if (!obj.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    const bytes = await obj.Body.transformToByteArray();
    let thumb: Awaited<ReturnType<typeof thumbnail>>;
    try {
        thumb = await thumbnail(bytes);
    } catch (e) {
        // Not an image jimp can read: retrying will not change that, so it is skipped, not failed.
        return { outcome: "skipped", key, reason: `not a readable image: ${e instanceof Error ? e.message : String(e)}` };
    }
    await deps.s3.send(
        new PutObjectCommand({
            Bucket: deps.targetBucket,
            Key: target,
            Body: thumb.data,
            ContentType: thumb.mime,
            Metadata: { "source-key": key, "source-etag": (head.ETag ?? "").replace(/"/g, "") },
        }),
    );
    return { outcome: "written", bucket: deps.targetBucket, key: target, width: thumb.width };
}

/**
 * S3 invokes asynchronously: a thrown error is retried by Lambda (twice) and then goes to the function's
 * on-failure destination, so only a failure a retry might fix (S3 unavailable) is thrown.
 */
export function createHandler(deps: ThumbnailerDeps): (event: S3Event) => Promise<ThumbnailOutcome[]> {
    return async (event) => {
        const out: ThumbnailOutcome[] = [];
        for (const record of event.Records ?? []) {
            const res = await processRecord(deps, record);
            deps.logger.log(res.outcome === "written" ? "info" : "debug", `thumbnail ${res.outcome}`, { ...res });
            out.push(res);
        }
        return out;
    };
}

export function defaultDeps(env: Env = process.env): ThumbnailerDeps {
    return {
        targetBucket: requireEnv(env, "TARGET_BUCKET", "the bucket thumbnails are written to"),
        maxBytes: intEnv(env, "MAX_UPLOAD_BYTES", 25 * 1024 * 1024),
        s3: new S3Client({}),
        logger: consoleLogger,
    };
}

let defaultHandler: ((event: S3Event) => Promise<ThumbnailOutcome[]>) | undefined;

export const handler = async (event: S3Event): Promise<ThumbnailOutcome[]> => (defaultHandler ??= createHandler(defaultDeps()))(event);
