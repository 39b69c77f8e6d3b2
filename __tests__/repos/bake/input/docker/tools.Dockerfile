FROM python:3.13-alpine
WORKDIR /tools
RUN apk add --no-cache gcc musl-dev
COPY . .
RUN pip install --no-cache-dir -r tools/requirements.txt
CMD ["python", "tools/run.py"]
