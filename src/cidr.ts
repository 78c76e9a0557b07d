/**
 * Pure IPv4 CIDR maths: parsing, overlap, and carving a VPC block into per-tier, per-AZ subnets.
 */

export interface Cidr {
    readonly base: number; // network address as an unsigned 32-bit integer
    readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses "a.b.c.d/n". Returns undefined for anything malformed or with host bits set. */
export function parseCidr(text: string): Cidr | undefined {
    const m = CIDR_RE.exec(text);
    if (!m) return undefined;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return undefined;
    const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    if ((base & ~maskOf(prefix)) >>> 0 !== 0) return undefined;
    return { base, prefix };
}

function maskOf(prefix: number): number {
    return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function formatCidr(c: Cidr): string {
    const b = c.base;
    return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

function size(c: Cidr): number {
    return 2 ** (32 - c.prefix);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
    return a.base < b.base + size(b) && b.base < a.base + size(a);
}

export function contains(outer: Cidr, inner: Cidr): boolean {
    return inner.base >= outer.base && inner.base + size(inner) <= outer.base + size(outer);
}

/** The subnet tiers of the network, in the order their address blocks are carved. */
export const SUBNET_TIERS = ["public", "private-app", "private-data"] as const;
export type SubnetTier = (typeof SUBNET_TIERS)[number];

/**
 * Carves `vpc` into one subnet per tier per AZ. The VPC is split into 4 equal quarters (one per tier, one
 * spare for growth); each quarter is split into 8 AZ slots, so up to 8 AZs fit and a subnet is
 * `vpc.prefix + 5` bits long (a /16 VPC gives /21 subnets of 2,043 usable addresses).
 */
export function carveSubnets(vpc: Cidr, azCount: number): Record<SubnetTier, Cidr[]> {
    if (azCount < 1 || azCount > 8) throw new RangeError(`azCount must be 1-8, got ${azCount}`);
    const prefix = vpc.prefix + 5;
    if (prefix > 28) throw new RangeError(`VPC /${vpc.prefix} is too small to carve; use /23 or larger`);
    const quarter = size(vpc) / 4;
    const slot = quarter / 8;
    const out = {} as Record<SubnetTier, Cidr[]>;
    SUBNET_TIERS.forEach((tier, t) => {
        out[tier] = Array.from({ length: azCount }, (_, az) => ({ base: vpc.base + t * quarter + az * slot, prefix }));
    });
    return out;
}
