# syntax=docker/dockerfile:1
# One image for every service; SERVICE picks which one runs (registry, experiments, drift, learning,
# serving, console). The migration Job runs `node packages/db/dist/cli/deploy.js` from it, the pods'
# init containers `node packages/db/dist/cli/wait-for-schema.js`.
#   docker build -t modelyard .
# Node 24: a supported LTS line (the code needs Node >= 20).
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. Build the services with every dev dependency (TypeScript, Vite, Prisma's generator), then set
#    aside what the runtime needs: each package's manifest (not the benchmarks') and dist/, and the
#    migrations.
FROM ${NODE_IMAGE} AS build
ENV TURBO_TELEMETRY_DISABLED=1 CI=true
RUN npm install -g pnpm@12.21.0
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm exec turbo run build --filter='./apps/*' \
 && mkdir -p /manifests /out \
 && cp package.json pnpm-lock.yaml pnpm-workspace.yaml /manifests/ \
 && sed -i '/^  - bench$/d' /manifests/pnpm-workspace.yaml \
 && find apps packages -maxdepth 2 -name package.json -exec cp --parents {} /manifests/ \; \
 && find apps packages -mindepth 2 -maxdepth 2 -name dist -type d -exec cp -r --parents {} /out/ \; \
 && cp -r --parents prisma/migrations /out/

# 2. Production dependencies only, installed from the manifests and the lockfile; onnxruntime-node's
#    binaries for other platforms and architectures removed (about 240 MB).
FROM ${NODE_IMAGE} AS deps
RUN npm install -g pnpm@12.21.0
WORKDIR /app
COPY --from=build /manifests/ ./
RUN pnpm install --prod --frozen-lockfile \
 && ort=$(echo node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v*) \
 && arch=$(case "$(uname -m)" in aarch64) echo arm64 ;; *) echo x64 ;; esac) \
 && find "$ort" -mindepth 1 -maxdepth 1 ! -name linux -exec rm -rf {} + \
 && find "$ort/linux" -mindepth 1 -maxdepth 1 ! -name "$arch" -exec rm -rf {} +

# 3. The runtime: no compiler, no sources, no pnpm; runs as the unprivileged node user.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production SERVICE=registry
WORKDIR /app
COPY --from=deps --chown=node:node /app ./
COPY --from=build --chown=node:node /out/ ./
# var/artifacts and var/serving-cache exist in the image so volumes mounted there start owned by node.
RUN mkdir -p var/artifacts var/serving-cache && chown -R node:node var
USER node
EXPOSE 3000 3001 3002 3003 3004 3005
CMD ["sh", "-c", "exec node apps/${SERVICE}/dist/main.js"]
