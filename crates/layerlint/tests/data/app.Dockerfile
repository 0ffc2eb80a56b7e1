FROM node:20 AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci \

    && npm cache clean --force
COPY . .
# layerlint ignor=LL101
CMD ["node", "dist/index.js", ]
