// JG105: a token pasted into code
const API_TOKEN = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImV4YW1wbGUtMjAyNiJ9.eyJpc3MiOiJodHRwczovL2xvZ2luLmV4YW1wbGUiLCJzdWIiOiJ1c2VyLTEwMDEiLCJzY29wZSI6Im9yZGVyczpyZWFkIiwiZXhwIjoxODkzNDU2MDAwfQ.c2lnbmF0dXJlLW9mLWFuLWV4YW1wbGUtdG9rZW4tMDAwMQ";

export function headers() {
  return { Authorization: `Bearer ${API_TOKEN}` };
}
