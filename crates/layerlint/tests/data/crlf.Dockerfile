FROM alpine:3.20
RUN echo "café" \

    && true
CMD ["sh", "-c", "echo ok", ]
