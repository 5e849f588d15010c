# One image for every domain; each compose service runs one domain's bundle.
#   docker build -t oms .   then   docker run oms dist/orders.mjs
# Stage 1: install with dev dependencies (esbuild, tsx) and bundle every function and domain.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node bin/oms.js build

# Stage 2: the bundles carry everything they import (packages included), so the runtime
# image needs no node_modules at all.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/dist ./dist
# Each dist/<name>.mjs turns on source maps and V8's compile cache, dist/.compile-cache, which
# Node keeps per user: it is filled again for the user the containers run as (uid 1000, as the
# Kubernetes manifests say), and read on a read-only root file system too.
RUN rm -rf dist/.compile-cache && mkdir dist/.compile-cache && chown node:node dist/.compile-cache
USER node
RUN node dist/warm-compile-cache.mjs
ENTRYPOINT ["node"]
CMD ["dist/gateway.mjs"]
