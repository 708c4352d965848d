#include "cli/user_command.hpp"

#include <iostream>
#include <memory>

#include "adapters/mysql/mysql_user_store.hpp"
#include "adapters/system/openssl_random.hpp"
#include "cli/commands.hpp"
#include "domain/password_hash.hpp"
#include "domain/secret_text.hpp"
#include "domain/user_email.hpp"

namespace bulkmsg::cli {

namespace {

struct UserOptions {
    std::string email;
    std::string role;
    bool password_stdin = false;
};

// The password to set: one line from stdin, or 128 random bits as 32 hex digits (then `generated` is true).
std::string NewPassword(bool from_stdin, bool& generated) {
    generated = !from_stdin;
    if (!from_stdin) {
        const auto bytes = system::OpenSslRandom().Bytes32();
        return domain::HexOf(std::span(bytes).first(16));
    }
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') {
        password.pop_back();
    }
    if (const auto problem = domain::PasswordProblem(password)) {
        throw std::invalid_argument("the password " + *problem);
    }
    return password;
}

std::string HashOf(const std::string& password) {
    const auto bytes = system::OpenSslRandom().Bytes32();
    domain::PasswordSalt salt{};
    std::copy_n(bytes.begin(), salt.size(), salt.begin());
    return domain::HashPassword(password, salt);
}

// Runs `command` on a user store over one database connection; a bad password on stdin is exit code 1 with the
// reason on stderr (never the password).
int WithUsers(const domain::Config& config, const std::function<int(app::UserStore&)>& command) {
    mysql::MysqlPool pool(config.db, 1);
    mysql::MysqlUserStore users(pool);
    try {
        return command(users);
    } catch (const std::invalid_argument& e) {
        std::cerr << "bulkmsg: " << e.what() << "\n";
        return kExitFailure;
    }
}

int Create(app::UserStore& users, const UserOptions& o) {
    bool generated = false;
    const auto password = NewPassword(o.password_stdin, generated);
    const auto email = domain::NormalizeEmail(o.email);
    if (!users.AddUser(email, *domain::ParseUserRole(o.role), HashOf(password))) {
        std::cerr << "bulkmsg: a user with email " << email << " exists already\n";
        return kExitFailure;
    }
    std::cout << "User " << email << " created with role " << o.role << ".\n";
    if (generated) {
        std::cout << "Its password is shown only now; hand it over safely:\n" << password << "\n";
    }
    return kExitOk;
}

int SetPassword(app::UserStore& users, const UserOptions& o) {
    bool generated = false;
    const auto password = NewPassword(o.password_stdin, generated);
    const auto email = domain::NormalizeEmail(o.email);
    if (!users.SetPasswordHash(email, HashOf(password))) {
        std::cerr << "bulkmsg: no user with email " << email << "\n";
        return kExitFailure;
    }
    std::cout << "Password of " << email << " changed; its sessions have ended.\n";
    if (generated) {
        std::cout << "The new password is shown only now; hand it over safely:\n" << password << "\n";
    }
    return kExitOk;
}

int Disable(app::UserStore& users, const UserOptions& o) {
    const auto email = domain::NormalizeEmail(o.email);
    if (!users.DisableUser(email)) {
        std::cerr << "bulkmsg: no user with email " << email << "\n";
        return kExitFailure;
    }
    std::cout << "User " << email << " disabled; its sessions have ended.\n";
    return kExitOk;
}

int List(app::UserStore& users) {
    std::cout << "id\temail\trole\tstatus\tcreated\n";
    for (const auto& u : users.ListUsers()) {
        std::cout << u.id << "\t" << u.email << "\t" << domain::ToString(u.role) << "\t"
                  << (u.disabled ? "disabled" : "active") << "\t" << u.created_at << "\n";
    }
    return kExitOk;
}

CLI::Option* AddEmail(CLI::App* command, UserOptions& o) {
    return command->add_option("--email", o.email, "The user's login email")
        ->required()
        ->check([](const std::string& e) { return domain::EmailProblem(domain::NormalizeEmail(e)).value_or(""); });
}

void AddPasswordStdin(CLI::App* command, UserOptions& o) {
    command->add_flag("--password-stdin", o.password_stdin,
                      "Read the password (12 to 1024 bytes) from one line of stdin instead of generating one");
}

}  // namespace

void AddUserCommands(CLI::App& app, const ConfigRunner& run) {
    auto options = std::make_shared<UserOptions>();
    auto& o = *options;
    auto* user = app.add_subcommand("user", "Manage dashboard users (POST /session)");
    user->require_subcommand(1);
    auto* create = user->add_subcommand("create", "Create a user; prints a generated password once");
    AddEmail(create, o);
    create->add_option("--role", o.role, "admin, editor or viewer")
        ->required()
        ->check(CLI::IsMember({"admin", "editor", "viewer"}));
    AddPasswordStdin(create, o);
    create->callback([run, options] {
        run([&](const domain::Config& c) {
            return WithUsers(c, [&](app::UserStore& u) { return Create(u, *options); });
        });
    });
    user->add_subcommand("list", "List users (never their passwords)")->callback([run] {
        run([](const domain::Config& c) { return WithUsers(c, List); });
    });
    auto* disable = user->add_subcommand("disable", "Disable a user; its sessions end at once");
    AddEmail(disable, o);
    disable->callback([run, options] {
        run([&](const domain::Config& c) {
            return WithUsers(c, [&](app::UserStore& u) { return Disable(u, *options); });
        });
    });
    auto* passwd = user->add_subcommand("passwd", "Set a user's password; its sessions end at once");
    AddEmail(passwd, o);
    AddPasswordStdin(passwd, o);
    passwd->callback([run, options] {
        run([&](const domain::Config& c) {
            return WithUsers(c, [&](app::UserStore& u) { return SetPassword(u, *options); });
        });
    });
}

}  // namespace bulkmsg::cli
