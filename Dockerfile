# One image for every domain; the compose file picks the functions per container.
# (First sketch: runs the TypeScript sources through tsx; `oms build` bundles come later.)
FROM node:20-bookworm-slim AS install
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=install /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY runtime ./runtime
COPY functions ./functions
COPY shared ./shared
COPY proto ./proto
USER node
ENTRYPOINT ["node", "bin/oms.js", "start"]
