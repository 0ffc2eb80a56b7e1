FROM alpine:3.20
CMD ["echo", "hi"]
