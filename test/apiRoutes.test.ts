import { strict as assert } from "assert";
import * as fc from "fast-check";
import { KEEPALIVE_ROUTE, apiPathOf, apiRoutes, routeNames, routeSlug } from "../src/apiRoutes";
import { T } from "../src/plan";
import { ofType, planOf } from "./helpers";

const prefix = fc.stringMatching(/^\/[a-z][a-z0-9-]{0,8}$/);
const services = fc.uniqueArray(prefix, { minLength: 1, maxLength: 5 }).map((ps) => ps.map((pathPrefix) => ({ pathPrefix })));

describe("API routes (pure)", () => {
    it("each service gets ANY on its path and below it, behind the authorizer; the shipped public routes are the catalogue's GETs", () => {
        const routes = apiRoutes([{ pathPrefix: "/catalog" }, { pathPrefix: "/cart" }], ["GET /api/catalog", "GET /api/catalog/{proxy+}"]);
        assert.deepEqual(routes, [
            { routeKey: "ANY /api/catalog", authorized: true },
            { routeKey: "ANY /api/catalog/{proxy+}", authorized: true },
            { routeKey: "ANY /api/cart", authorized: true },
            { routeKey: "ANY /api/cart/{proxy+}", authorized: true },
            { routeKey: "GET /api/catalog", authorized: false },
            { routeKey: "GET /api/catalog/{proxy+}", authorized: false },
        ]);
        assert.equal(apiPathOf({ pathPrefix: "/orders" }), "/api/orders");
    });

    it("route names are the readable slugs, a hash added only to keys whose slugs would collide", () => {
        assert.equal(routeSlug("GET /api/catalog/{proxy+}"), "get-api-catalog-proxy");
        const names = routeNames(["ANY /api/a", "ANY /api/a-", "ANY /api/b"]);
        assert.equal(names.get("ANY /api/b"), "any-api-b");
        assert.match(names.get("ANY /api/a")!, /^any-api-a-[0-9a-f]{8}$/);
        assert.match(names.get("ANY /api/a-")!, /^any-api-a-[0-9a-f]{8}$/);
        assert.notEqual(names.get("ANY /api/a"), names.get("ANY /api/a-"));
    });

    it("a public route naming a service's ANY route opens that route instead of adding a second", () => {
        const routes = apiRoutes([{ pathPrefix: "/catalog" }], ["ANY /api/catalog/{proxy+}"]);
        assert.deepEqual(routes, [
            { routeKey: "ANY /api/catalog", authorized: true },
            { routeKey: "ANY /api/catalog/{proxy+}", authorized: false },
        ]);
    });

    it("property: every route key is unique, every service is fully covered, only the public keys skip the authorizer", () => {
        fc.assert(
            fc.property(services, fc.array(fc.nat(), { maxLength: 4 }), (svcs, picks) => {
                const candidates = svcs.flatMap((s) => [`GET ${apiPathOf(s)}`, `GET ${apiPathOf(s)}/{proxy+}`, `ANY ${apiPathOf(s)}`]);
                const open = [...new Set(picks.map((i) => candidates[i % candidates.length]))];
                const routes = apiRoutes(svcs, open);
                const keys = routes.map((r) => r.routeKey);
                assert.equal(new Set(keys).size, keys.length, "no route twice");
                for (const s of svcs) for (const k of [`ANY ${apiPathOf(s)}`, `ANY ${apiPathOf(s)}/{proxy+}`]) assert.ok(keys.includes(k), k);
                for (const r of routes) assert.equal(r.authorized, !open.includes(r.routeKey), r.routeKey);
                // The resource names the component derives from the keys do not collide.
                const names = [...routeNames([...keys, KEEPALIVE_ROUTE]).values()];
                assert.equal(new Set(names).size, keys.length + 1);
            }),
        );
    });

    it("the planned API has exactly these routes, the keep-alive route public, every other non-public route behind its JWT authorizer", async () => {
        const prod = await planOf("prod");
        const routes = ofType(prod, T.apiRoute);
        const byKey = Object.fromEntries(routes.map((r) => [String(r.inputs.routeKey), r]));
        const want = apiRoutes(
            ["/catalog", "/cart", "/orders", "/payments"].map((pathPrefix) => ({ pathPrefix })),
            ["GET /api/catalog", "GET /api/catalog/{proxy+}"],
        );
        assert.deepEqual(Object.keys(byKey).sort(), [...want.map((w) => w.routeKey), KEEPALIVE_ROUTE].sort());
        for (const w of [...want, { routeKey: KEEPALIVE_ROUTE, authorized: false }])
            assert.equal(byKey[w.routeKey].inputs.authorizationType, w.authorized ? "JWT" : "NONE", w.routeKey);
    });
});

describe("the edge's /api/* behaviour", () => {
    it("sends /api/* to the API's domain with the origin-verify header, keeping nothing and forwarding the Authorization header", async () => {
        const prod = await planOf("prod");
        const cdn = ofType(prod, T.cloudfrontDistribution)[0];
        const origins = cdn.inputs.origins as Array<{ originId: string; domainName: string; customHeaders?: Array<{ name: string }> }>;
        const api = origins.find((o) => o.originId === "api")!;
        assert.equal(api.domainName, "api.shop.securecart.example.com");
        assert.deepEqual(
            api.customHeaders?.map((h) => h.name),
            ["X-Origin-Verify"],
            "the services' rules require it, so the API's domain called directly reaches no service",
        );
        const behaviours = cdn.inputs.orderedCacheBehaviors as Array<{
            pathPattern: string;
            targetOriginId: string;
            cachePolicyId: string;
            allowedMethods: string[];
        }>;
        const b = behaviours.find((x) => x.pathPattern === "/api/*")!;
        assert.equal(b.targetOriginId, "api");
        assert.ok(b.allowedMethods.includes("POST") && b.allowedMethods.includes("DELETE"));
        // The behaviours take the policy's id, an output: the engine records the dependency.
        const policy = ofType(prod, T.cachePolicy).find((p) => (cdn.propertyDependencies.orderedCacheBehaviors ?? []).includes(p.urn))!;
        assert.ok(
            policy && b.cachePolicyId !== "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            "the behaviour's cache policy is the planned one, not CachingDisabled",
        );
        assert.equal(policy.inputs.defaultTtl, 0);
        const params = policy.inputs.parametersInCacheKeyAndForwardedToOrigin as {
            headersConfig: { headerBehavior: string; headers: { items: string[] } };
        };
        assert.deepEqual([params.headersConfig.headerBehavior, params.headersConfig.headers.items], ["whitelist", ["Authorization"]]);
    });
});
