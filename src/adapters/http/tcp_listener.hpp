#pragma once

#include <boost/asio.hpp>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace bulkmsg::http {

/// Accepts TCP connections on an io_context run by `threads` threads. Each accepted socket gets TCP_NODELAY and
/// its own strand (its handlers never run concurrently; connections run in parallel) and is handed to `on_socket`.
class TcpListener {
public:
    using Socket = boost::asio::ip::tcp::socket;
    using OnSocket = std::function<void(Socket)>;

    ~TcpListener() { Stop(); }

    /// Binds and listens, then starts the threads. Throws when the address cannot be bound.
    void Start(const std::string& address, std::uint16_t port, unsigned threads, OnSocket on_socket) {
        on_socket_ = std::move(on_socket);
        const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address(address), port);
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen();
        Accept();
        for (unsigned i = 0; i < std::max(1u, threads); ++i) {
            threads_.emplace_back([this] { io_.run(); });
        }
    }

    /// Stops the threads and closes the listening socket. Idempotent.
    void Stop() {
        if (threads_.empty()) {
            return;
        }
        io_.stop();
        for (auto& t : threads_) {
            t.join();
        }
        threads_.clear();
        boost::system::error_code ignored;
        acceptor_.close(ignored);
    }

    std::uint16_t Port() const { return acceptor_.local_endpoint().port(); }

private:
    void Accept() {
        acceptor_.async_accept(boost::asio::make_strand(io_), [this](boost::system::error_code ec, Socket socket) {
            if (ec) {
                if (ec != boost::asio::error::operation_aborted) {
                    Accept();
                }
                return;
            }
            socket.set_option(boost::asio::ip::tcp::no_delay(true));
            on_socket_(std::move(socket));
            Accept();
        });
    }

    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_{io_};
    std::vector<std::thread> threads_;
    OnSocket on_socket_;
};

}  // namespace bulkmsg::http
