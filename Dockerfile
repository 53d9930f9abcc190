# One image for every service; SERVICE picks which one runs (registry, experiments, drift, learning, serving, console).
#   docker build -t modelyard .
FROM node:20-bookworm-slim
ENV TURBO_TELEMETRY_DISABLED=1 SERVICE=registry
WORKDIR /app
RUN npm install -g pnpm@12.21.0
COPY . .
# var/artifacts and var/serving-cache exist in the image so volumes mounted there start owned by the node user.
RUN pnpm install --frozen-lockfile && pnpm exec turbo run build && mkdir -p var/artifacts var/serving-cache && chown -R node:node /app
ENV NODE_ENV=production
USER node
EXPOSE 3000 3001 3002 3003 3004 3005
CMD ["sh", "-c", "exec node apps/${SERVICE}/dist/main.js"]
