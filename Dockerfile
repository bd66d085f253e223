# ringcache image: `docker run ringcache node --port 6379 --bind 0.0.0.0`, `... admin --bind 0.0.0.0`.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps apps
COPY libs libs
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY bin bin
# --dir: where persistence files will go (the AOF, issue #6); a volume can be mounted there.
RUN mkdir -p /data && chown node:node /data
ENV RINGCACHE_DIR=/data
USER node
ENTRYPOINT ["node", "bin/ringcache"]
CMD ["help"]
