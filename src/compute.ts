/**
 * Pure decisions for the compute tier that are not about strategy: ALB routing, image references and
 * writable mounts. Plain values in, plain values out; tested alone (test/compute.test.ts).
 */
import { API_BASE_PATH, type ServiceConfig } from "./config";

/** First listener-rule priority for services; each next service is PRIORITY_STEP higher (room to insert). */
export const FIRST_RULE_PRIORITY = 100;
export const PRIORITY_STEP = 10;

export interface ListenerRulePlan {
    readonly service: string;
    /** Unique, ascending in config order. */
    readonly priority: number;
    /** The service's API path and everything below it: `/api/cart` and `/api/cart/*` (the API forwards paths unchanged). */
    readonly pathPatterns: readonly [string, string];
}

/**
 * One path-based rule per service on the services' internal load balancer, ordered as configured. Prefixes are
 * single segments and unique (validated in config), so `/api/cart/*` can never match `/api/catalog`: the rules
 * do not overlap.
 */
export function listenerRules(services: readonly Pick<ServiceConfig, "name" | "pathPrefix">[]): ListenerRulePlan[] {
    return services.map((s, i) => ({
        service: s.name,
        priority: FIRST_RULE_PRIORITY + PRIORITY_STEP * i,
        pathPatterns: [`${API_BASE_PATH}${s.pathPrefix}`, `${API_BASE_PATH}${s.pathPrefix}/*`] as const,
    }));
}

/** Whether an ALB path pattern (only `*` is a wildcard here) matches a request path. */
export function pathPatternMatches(pattern: string, path: string): boolean {
    const re = new RegExp(
        `^${pattern
            .split("*")
            .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*")}$`,
    );
    return re.test(path);
}

/**
 * The image a service runs. `image` is used as given; `repository` + `tag` name the ECR repository that
 * lives in the home region and is replicated to every region, so the reference points at this region's
 * registry and a standby starts tasks without reaching the primary.
 */
export function imageRef(s: Pick<ServiceConfig, "image" | "repository" | "tag">, accountId: string, region: string): string {
    if (s.repository !== undefined) return `${accountId}.dkr.ecr.${region}.amazonaws.com/${s.repository}:${s.tag ?? "latest"}`;
    if (s.image !== undefined) return s.image;
    throw new Error("service has neither image nor repository (config fills in the default image)");
}

/** ECR repositories the project owns: one per service, named by `repository` or else the service name. */
export function repositoryNames(services: readonly Pick<ServiceConfig, "name" | "repository">[]): string[] {
    return [...new Set(services.map((s) => s.repository ?? s.name))];
}

/** Ephemeral task volumes for the writable paths of a read-only root filesystem: `/var/cache/nginx` → `var-cache-nginx`. */
export function writableVolumes(paths: readonly string[]): Array<{ name: string; path: string }> {
    return paths.map((p) => ({ name: p.replace(/^\/+|\/+$/g, "").replace(/[^A-Za-z0-9_-]+/g, "-") || "root", path: p }));
}

/** Health paths the storefront's user data can serve safely: plain segments, no `..`, no shell metacharacters. */
export const SAFE_HEALTH_PATH = /^\/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/?)*$/;

/**
 * User data for the storefront instances (Amazon Linux 2023): a tiny static site on port 80 that answers
 * the health path with 200, served by the preinstalled python3 under a sandboxed systemd unit (no root at
 * run time, no package download, so it also boots where the region has no NAT). Stands in for the real
 * storefront until its build is baked into an AMI.
 */
export function storefrontUserData(healthPath: string, port = 80): string {
    if (!SAFE_HEALTH_PATH.test(healthPath)) throw new Error(`health path "${healthPath}" must be plain path segments such as /health`);
    const root = "/var/www/storefront";
    const file = healthPath.endsWith("/") ? `${healthPath}index.html` : healthPath;
    const dir = file.slice(0, file.lastIndexOf("/")) || "/";
    return [
        "#!/bin/bash",
        "set -euo pipefail",
        `install -d -m 0755 '${root}${dir === "/" ? "" : dir}'`,
        `printf '<!doctype html><title>SecureCart</title><p>SecureCart storefront</p>\\n' > '${root}/index.html'`,
        `printf 'ok\\n' > '${root}${file}'`,
        "cat > /etc/systemd/system/storefront.service <<'UNIT'",
        "[Unit]",
        "Description=SecureCart storefront (static placeholder and health endpoint)",
        "After=network-online.target",
        "[Service]",
        `ExecStart=/usr/bin/python3 -m http.server ${port} --bind 0.0.0.0 --directory ${root}`,
        "DynamicUser=yes",
        "AmbientCapabilities=CAP_NET_BIND_SERVICE",
        "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "Restart=always",
        "[Install]",
        "WantedBy=multi-user.target",
        "UNIT",
        "systemctl daemon-reload",
        "systemctl enable --now storefront.service",
        "",
    ].join("\n");
}
