FROM python:3.13-alpine
WORKDIR /app
RUN apk add --no-cache gcc musl-dev
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD ["python", "main.py"]
