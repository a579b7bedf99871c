# docker build -t meeting-bot . && docker run -d --env-file .env -v meeting-data:/data meeting-bot
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 bot
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY index ./index
COPY seeds ./seeds
RUN pip install --no-cache-dir . && rm -rf /root/.cache
ENV DATA_DIR=/data PYTHONUNBUFFERED=1
RUN mkdir /data && chown bot /data
USER bot
VOLUME /data
HEALTHCHECK --interval=5m --timeout=30s CMD ["meeting-bot", "check"]
CMD ["meeting-bot", "run"]
