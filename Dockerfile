# One image for every role in docker-compose.yml: Rasa replica, action server, proxy, chat widget.
# The spaCy pipeline and the model are built here from the sources copied in (config.yml fixes
# the seeds, so the model matches `make train`). docs/production.md explains the roles.
FROM python:3.10-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RASA_TELEMETRY_ENABLED=false \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    TF_CPP_MIN_LOG_LEVEL=2

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY requirements.lock ./
RUN pip install pip==24.0 && pip install -r requirements.lock

COPY . .
# The credentials file keeps the channels that need no ${VAR} (the REST channel the widget
# uses); to turn Slack on, mount a complete credentials file (see docs/production.md).
RUN python -m bot build-nlp --output build/spacy_pipeline \
 && python -m rasa train --config config.yml --domain domain.yml --data data --out models \
        --fixed-model-name assistant \
 && rm -rf .rasa \
 && mkdir -p var \
 && python -m bot credentials --output var/credentials.yml

# The servers only read /app; they run as a user without write access to it, except the
# documents folder (a volume in docker-compose.yml, which takes this folder's owner).
RUN useradd --create-home --uid 10001 porting \
 && mkdir -p var/documents && chown porting var/documents && chmod 0700 var/documents
USER porting

EXPOSE 5005 5055 8080
# docker-compose.yml gives each service its own command; this one runs a Rasa server alone.
CMD ["python", "-m", "bot.adapters.server", "run", "--model", "models/assistant.tar.gz", "--port", "5005", \
     "--endpoints", "endpoints.prod.yml", "--credentials", "var/credentials.yml"]
