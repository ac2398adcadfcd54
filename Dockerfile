# syntax=docker/dockerfile:1
# Production image for both processes: the API (default CMD), the worker
# (`node dist/apps/worker/main.js`) and the one-shot migrator (`node dist/apps/api/main.js migrate`).
# See docker-compose.yml.

# Node 24 is the current LTS line (Node 20 reached end of life in April 2026).
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: all dependencies, compile api and worker --------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- runtime: production dependencies and the compiled output only -----------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
# Data lives outside /app, in directories owned by the runtime user; docker-compose.yml mounts
# named volumes there (a new named volume takes the ownership of the directory it is mounted on).
ENV NODE_ENV=production \
    PORT=3000 \
    STORAGE_DIR=/var/lib/marketplace/storage \
    MAIL_DIR=/var/lib/marketplace/mail \
    METRICS_HOST=0.0.0.0 \
    METRICS_PORT=9464 \
    WORKER_METRICS_PORT=9465 \
    SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
    && npm cache clean --force \
    && mkdir -p /var/lib/marketplace/storage /var/lib/marketplace/mail \
    && chown -R node:node /var/lib/marketplace \
    && chmod 700 /var/lib/marketplace/storage /var/lib/marketplace/mail
COPY --from=build /app/dist ./dist
COPY scripts/healthcheck.mjs ./scripts/healthcheck.mjs
USER node
VOLUME ["/var/lib/marketplace/storage", "/var/lib/marketplace/mail"]
EXPOSE 3000
# api: GET /api/health/live; worker (HEALTHCHECK_ROLE=worker): its internal /health.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=4 CMD ["node", "scripts/healthcheck.mjs"]
# The API's heap settings: see API_NODE_FLAGS in scripts/launcher/plan.ts.
CMD ["node", "--max-old-space-size=256", "--no-allocation-site-pretenuring", "dist/apps/api/main.js"]
