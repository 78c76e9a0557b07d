/**
 * The API's routes: pure decisions, tested alone (test/compute.test.ts). Every service answers under
 * `/api<pathPrefix>` (CloudFront's `/api/*` behaviour sends those paths to the API, unchanged all the way to the
 * service); each gets an `ANY` route on its prefix and one on everything below it, both behind the Cognito JWT
 * authorizer. The configured public routes (the catalogue's reads) are added without it: API Gateway matches a
 * route with the request's method before an `ANY` route of the same path (API Gateway developer guide, "Working
 * with routes for HTTP APIs", read 2026-12-06), so `GET /api/catalog/{proxy+}` is public while a POST to the
 * same path still needs a token.
 */
import { createHash } from "crypto";
import { API_BASE_PATH, KEEPALIVE_PATH, type ServiceConfig } from "./config";

/** The route the keep-alive probe calls: public, and no service owns it, so the load balancer answers 404 itself. */
export const KEEPALIVE_ROUTE = `GET ${KEEPALIVE_PATH}`;

export interface RoutePlan {
    /** The API Gateway route key, e.g. `ANY /api/cart/{proxy+}`. */
    readonly routeKey: string;
    /** Whether the route needs a Cognito token (the JWT authorizer). */
    readonly authorized: boolean;
}

/** A service's base path on the API: `/api/catalog`. */
export function apiPathOf(s: Pick<ServiceConfig, "pathPrefix">): string {
    return `${API_BASE_PATH}${s.pathPrefix}`;
}

/**
 * The routes, in a stable order: each service's two `ANY` routes (authorized), then the public routes that are
 * not already among them. A public route that names one of the `ANY` routes makes that route public instead.
 */
export function apiRoutes(services: readonly Pick<ServiceConfig, "pathPrefix">[], publicRoutes: readonly string[]): RoutePlan[] {
    const open = new Set(publicRoutes);
    const routes: RoutePlan[] = [];
    for (const s of services) {
        for (const key of [`ANY ${apiPathOf(s)}`, `ANY ${apiPathOf(s)}/{proxy+}`]) routes.push({ routeKey: key, authorized: !open.has(key) });
    }
    const seen = new Set(routes.map((r) => r.routeKey));
    for (const key of publicRoutes) {
        if (seen.has(key)) continue;
        seen.add(key);
        routes.push({ routeKey: key, authorized: false });
    }
    return routes;
}

/** A readable resource-name suffix for a route key: `GET /api/catalog/{proxy+}` → `get-api-catalog-proxy`. */
export function routeSlug(routeKey: string): string {
    return routeKey
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "");
}

/**
 * Each route key's resource-name suffix: its readable slug, unique among the keys given. Keys whose slugs would be
 * the same (`ANY /api/a` and `ANY /api/a-`) each get a short hash of the key appended, so no two routes share a
 * name; keys without a twin keep the plain slug, whatever other keys exist.
 */
export function routeNames(routeKeys: readonly string[]): Map<string, string> {
    const keys = [...new Set(routeKeys)];
    const count = new Map<string, number>();
    for (const k of keys) count.set(routeSlug(k), (count.get(routeSlug(k)) ?? 0) + 1);
    return new Map(
        keys.map((k) => [
            k,
            (count.get(routeSlug(k)) ?? 0) > 1 ? `${routeSlug(k)}-${createHash("sha256").update(k).digest("hex").slice(0, 8)}` : routeSlug(k),
        ]),
    );
}
